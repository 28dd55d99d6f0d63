import type { handleUnaryCall } from '@grpc/grpc-js';
import {
  FlorinError,
  invalidArgument,
  notFound,
  unaryHandler,
  validateDatasetInfo,
  type CreateDatasetRequestMessage,
  type CreateDatasetResponseMessage,
  type DatasetInfo,
  type DescribeShardResponseMessage,
  type ListDatasetsResponseMessage,
  type ListSymbolsRequestMessage,
  type ListSymbolsResponseMessage,
} from '@florin/core';
import type { ShardContext } from './context.js';

export function listDatasetsHandler(ctx: ShardContext): handleUnaryCall<object, ListDatasetsResponseMessage> {
  return unary(ctx, async () => ({ datasets: (await ctx.catalog.list()).map(toMessage) }));
}

/**
 * ShardService.CreateDataset: creates the dataset in this shard's store, or
 * reports created=false when an identical one exists; ALREADY_EXISTS when the
 * name is taken by another definition.
 */
export function createDatasetHandler(
  ctx: ShardContext,
): handleUnaryCall<CreateDatasetRequestMessage, CreateDatasetResponseMessage> {
  return unary(ctx, async (request) => {
    if (!request.dataset) throw invalidArgument('dataset is required: pass a DatasetInfo with name, fields and frequency');
    const info = validateDatasetInfo(request.dataset);
    const existing = await ctx.catalog.get(info.name);
    if (existing) {
      if (!sameDefinition(existing, info)) {
        throw new FlorinError(
          'ALREADY_EXISTS',
          `dataset ${info.name} already exists as ${describe(existing)}; requested ${describe(info)}. Pick another name`,
        );
      }
      return { dataset: toMessage(existing), created: false };
    }
    const created = await ctx.store.createDataset(info);
    ctx.catalog.remember(info);
    return { dataset: toMessage(info), created };
  });
}

/**
 * ShardService.ListSymbols: the symbols of a dataset that this shard owns and
 * holds rows of, sorted. INVALID_ARGUMENT without a dataset, NOT_FOUND for an
 * unknown one (as Read answers).
 */
export function listSymbolsHandler(ctx: ShardContext): handleUnaryCall<ListSymbolsRequestMessage, ListSymbolsResponseMessage> {
  return unary(ctx, async (request) => {
    if (!request.dataset) throw invalidArgument('dataset is required: name the dataset whose symbols to list');
    const info = await ctx.catalog.get(request.dataset);
    if (!info) throw notFound(`unknown dataset ${JSON.stringify(request.dataset)}`);
    // A store shared by several shards (one PostgreSQL database) holds other shards' series too: answer only this shard's.
    const symbols = (await ctx.store.symbols(info.name)).filter((s) => ctx.ownership.owns(info.name, s));
    return { symbols: symbols.sort() };
  });
}

export function describeShardHandler(ctx: ShardContext): handleUnaryCall<object, DescribeShardResponseMessage> {
  return unary(ctx, async () => ({
    shardId: ctx.ownership.shardId,
    shardCount: ctx.ownership.shardCount,
    store: ctx.store.kind,
  }));
}

/** core's unary adapter with the shard's default deadline. */
function unary<Req, Res>(ctx: ShardContext, serve: (request: Req) => Promise<Res>): handleUnaryCall<Req, Res> {
  return unaryHandler(serve, { defaultDeadlineMs: ctx.limits.defaultDeadlineMs });
}

function sameDefinition(a: DatasetInfo, b: DatasetInfo): boolean {
  return a.frequency === b.frequency && a.fields.length === b.fields.length && a.fields.every((f, i) => f === b.fields[i]);
}

function describe(info: DatasetInfo): string {
  return `fields (${info.fields.join(', ')}) at ${info.frequency}`;
}

function toMessage(info: DatasetInfo): { name: string; fields: string[]; frequency: string } {
  return { name: info.name, fields: [...info.fields], frequency: info.frequency };
}
