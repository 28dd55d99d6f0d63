import type { handleUnaryCall } from '@grpc/grpc-js';
import {
  FlorinError,
  decodeWriteRequest,
  invalidArgument,
  notFound,
  unaryHandler,
  type WriteRequestMessage,
  type WriteResponseMessage,
} from '@florin/core';
import type { ShardContext } from './context.js';

/**
 * ShardService.Write: validate the whole request (dataset, exact field set,
 * symbols owned by this shard, consistent blocks, limits), then upsert it in
 * one store transaction, one write at a time.
 */
export function writeHandler(ctx: ShardContext): handleUnaryCall<WriteRequestMessage, WriteResponseMessage> {
  return unaryHandler(
    async (request, { deadlineAt }) => ({ rowsWritten: await serveWrite(ctx, request, deadlineAt) }),
    { defaultDeadlineMs: ctx.limits.defaultDeadlineMs },
  );
}

async function serveWrite(ctx: ShardContext, request: WriteRequestMessage, deadline: number): Promise<number> {
  if (!request.dataset) throw invalidArgument('dataset is required');
  const dataset = await ctx.catalog.get(request.dataset);
  if (!dataset) throw notFound(`unknown dataset ${JSON.stringify(request.dataset)}; create it first (CreateDataset)`);
  // Not the writer: refused before any work, so the caller (ShardRouter) tries the partition's next task.
  ctx.writer?.assertWriter();
  const frames = decodeWriteRequest(request, dataset, ctx.limits, (name, symbols) => ctx.ownership.assertOwned(name, symbols));
  ctx.stats.startWrite();
  if (frames.length === 0) return 0;
  const rows = await ctx.writes.run(() => {
    // Queued past its deadline: nothing has been written, so say so rather than write late.
    if (Date.now() >= deadline) {
      throw new FlorinError('DEADLINE_EXCEEDED', 'deadline exceeded while the write waited for earlier writes; nothing was written');
    }
    ctx.writer?.assertWriter();
    return ctx.store.write(dataset.name, frames);
  });
  ctx.stats.addRowsWritten(rows);
  return rows;
}
