import type { ServerWritableStream, handleServerStreamingCall } from '@grpc/grpc-js';
import {
  checkPointLimit,
  serveStream,
  throwIfAborted,
  validateReadQuery,
  writeOrWait,
  type OutgoingReadChunk,
  type ReadRequestMessage,
} from '@florin/core';
import { ReadChunker } from './chunker.js';
import type { ShardContext } from './context.js';
import { batchSizes, readBatches } from './read-batches.js';

type ReadCall = ServerWritableStream<ReadRequestMessage, OutgoingReadChunk>;

/**
 * ShardService.Read: validate, check ownership, then read the store in
 * batches (one ahead) and stream size-bounded chunks, honouring backpressure,
 * cancellation and the call's deadline. The point limit is enforced on the
 * running total, so a read past it fails with RESOURCE_EXHAUSTED without the
 * shard ever holding more than about two batches of it.
 */
export function readHandler(ctx: ShardContext): handleServerStreamingCall<ReadRequestMessage, OutgoingReadChunk> {
  return (call) => {
    void serveRead(ctx, call);
  };
}

function serveRead(ctx: ShardContext, call: ReadCall): Promise<void> {
  return serveStream(call, ctx.limits.defaultDeadlineMs, async (signal) => {
    const request = call.request;
    if (request.dataset) await ctx.catalog.get(request.dataset);
    const query = validateReadQuery(request, (name) => ctx.catalog.lookup(name), ctx.limits);
    ctx.ownership.assertOwned(query.dataset.name, query.symbols);
    throwIfAborted(signal);
    const record = ctx.stats.startRead(query.dataset.name, query.symbols.length, query.range.start, query.range.end);

    const chunker = new ReadChunker(query.fields, ctx.limits.chunkBytes);
    let points = 0;
    for await (const batch of readBatches(ctx.store, query, batchSizes(ctx.limits.chunkBytes), signal)) {
      points += batch.rows * query.fields.length;
      checkPointLimit(points, ctx.limits);
      record.addRows(batch.rows, query.fields.length);
      for (const symbol of batch.symbols) {
        for (const chunk of chunker.add(symbol, batch.frames.get(symbol))) await writeOrWait(call, chunk, signal);
      }
    }
    for (const chunk of chunker.finish()) call.write(chunk);
  });
}
