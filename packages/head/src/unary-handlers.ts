import type { handleUnaryCall } from '@grpc/grpc-js';
import {
  invalidArgument,
  unaryHandler,
  type UnaryCallContext,
  type DescribeHeadResponseMessage,
  type CreateDatasetRequestMessage,
  type CreateDatasetResponseMessage,
  type DatasetInfo,
  type DatasetInfoMessage,
  type ListDatasetsResponseMessage,
  type ListSymbolsRequestMessage,
  type ListSymbolsResponseMessage,
  type WriteRequestMessage,
  type WriteResponseMessage,
} from '@florin/core';
import type { HeadNode } from './head-node.js';
import type { HeadStatsSnapshot } from './head-stats.js';
import type { PeerTrust } from './peer-trust.js';

/** core's unary adapter with the head's default deadline. */
function unary<Req, Res>(node: HeadNode, serve: (request: Req, context: UnaryCallContext) => Promise<Res>): handleUnaryCall<Req, Res> {
  return unaryHandler(serve, { defaultDeadlineMs: node.config.limits.defaultDeadlineMs });
}

/**
 * HeadService.Write: validated at the head, written through to the owning shards, cached chunks dropped;
 * applied here without forwarding only when `trustedPeer` says another head forwarded it.
 */
export function writeHandler(node: HeadNode, trustedPeer: PeerTrust): handleUnaryCall<WriteRequestMessage, WriteResponseMessage> {
  // A head answers no cover (WriteRequest.cover_*): it asks the shards itself, for its own cache.
  return unary(node, async (request, { deadlineAt, call }) => ({ rowsWritten: await node.write(request, { deadlineAt, fromPeer: trustedPeer(call.metadata) }), covered: false }));
}

export function listDatasetsHandler(node: HeadNode): handleUnaryCall<object, ListDatasetsResponseMessage> {
  return unary(node, async (_request, { deadlineAt }) => ({ datasets: (await node.listDatasets({ deadlineAt })).map(toMessage) }));
}

/** HeadService.ListSymbols: every shard's symbols of the dataset, merged, sorted and unique. */
export function listSymbolsHandler(node: HeadNode): handleUnaryCall<ListSymbolsRequestMessage, ListSymbolsResponseMessage> {
  return unary(node, async (request, { deadlineAt }) => ({ symbols: await node.listSymbols(request.dataset, { deadlineAt }) }));
}

export function createDatasetHandler(node: HeadNode): handleUnaryCall<CreateDatasetRequestMessage, CreateDatasetResponseMessage> {
  return unary(node, async (request, { deadlineAt }) => {
    if (!request.dataset) throw invalidArgument('dataset is required: pass a DatasetInfo with name, fields and frequency');
    const out = await node.createDataset(request.dataset, { deadlineAt });
    return { dataset: toMessage(out.dataset), created: out.created };
  });
}

export function getStatsHandler(node: HeadNode): handleUnaryCall<{ reset: boolean }, HeadStatsSnapshot> {
  return unary(node, async (request) => node.stats(request.reset === true));
}

export function describeHeadHandler(node: HeadNode): handleUnaryCall<object, DescribeHeadResponseMessage> {
  return unary(node, async () => ({ nodeId: node.config.nodeId, shardCount: node.shardCount, coalesce: node.config.coalesce }));
}

function toMessage(info: DatasetInfo): DatasetInfoMessage {
  return { name: info.name, fields: [...info.fields], frequency: info.frequency };
}
