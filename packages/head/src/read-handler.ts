import type { ServerWritableStream, handleServerStreamingCall } from '@grpc/grpc-js';
import { COALESCE_METADATA_KEY, COALESCE_OFF, serveStream, type OutgoingReadChunk, type ReadRequestMessage } from '@florin/core';
import { writeAnswer } from './answer-writer.js';
import type { HeadNode } from './head-node.js';
import type { PeerTrust } from './peer-trust.js';
import { readChunks } from './read-chunks.js';

type ReadCall = ServerWritableStream<ReadRequestMessage, OutgoingReadChunk>;

/** Request metadata that turns aggregation off for one call: `florin-coalesce: off`. */

/**
 * HeadService.Read: answer the read through the HeadNode (cache, coalescing,
 * or straight upstream when the caller sent `florin-coalesce: off`; keys
 * another head owns are asked of it unless `trustedPeer` says a head sent this), then
 * stream size-bounded chunks under the head's answer budget, at most
 * `maxReads` callers' reads at once (the others wait FIFO for a slot), honouring
 * backpressure, cancellation and the call's deadline. A cancelled caller detaches only itself from shared fetches.
 */
export function readHandler(node: HeadNode, trustedPeer: PeerTrust): handleServerStreamingCall<ReadRequestMessage, OutgoingReadChunk> {
  return (call) => {
    void serveRead(node, trustedPeer, call);
  };
}

function serveRead(node: HeadNode, trustedPeer: PeerTrust, call: ReadCall): Promise<void> {
  return serveStream(call, node.config.limits.defaultDeadlineMs, async (signal, deadlineAt) => {
    const coalesce = !call.metadata.get(COALESCE_METADATA_KEY).some((v) => String(v).trim().toLowerCase() === COALESCE_OFF);
    const fromPeer = trustedPeer(call.metadata);
    // A caller's read waits for a slot (FIFO, within its deadline); one a peer forwarded holds its caller's slot there.
    const release = fromPeer === undefined ? await node.readSlots.acquire(1, signal) : undefined;
    try {
      const result = await node.read(call.request, { signal, deadlineAt, coalesce, fromPeer });
      await writeAnswer(call, readChunks(result, node.config.limits.chunkBytes), node.answerBudget, signal, deadlineAt);
    } finally {
      release?.();
    }
  });
}
