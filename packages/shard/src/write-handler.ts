import type { handleUnaryCall } from '@grpc/grpc-js';
import {
  decodeWriteRequest,
  invalidArgument,
  notFound,
  unaryHandler,
  type TimeRange,
  type WriteRequestMessage,
  type WriteResponseMessage,
} from '@florin/core';
import type { ShardContext } from './context.js';
import type { LaneWrite } from './write-lane.js';

/**
 * ShardService.Write: validate the whole request (dataset, exact field set,
 * symbols owned by this shard, consistent blocks, limits), then upsert it in
 * one store transaction, one write at a time (requests queued behind a running
 * write are merged into one: WriteLane).
 */
export function writeHandler(ctx: ShardContext): handleUnaryCall<WriteRequestMessage, WriteResponseMessage> {
  return unaryHandler(
    async (request, { deadlineAt }) => {
      const { rows, covered } = await serveWrite(ctx, request, deadlineAt);
      return { rowsWritten: rows, covered };
    },
    { defaultDeadlineMs: ctx.limits.defaultDeadlineMs },
  );
}

async function serveWrite(ctx: ShardContext, request: WriteRequestMessage, deadline: number): Promise<LaneWrite> {
  if (!request.dataset) throw invalidArgument('dataset is required');
  const dataset = await ctx.catalog.get(request.dataset);
  if (!dataset) throw notFound(`unknown dataset ${JSON.stringify(request.dataset)}; create it first (CreateDataset)`);
  // Not the writer: refused before any work, so the caller (ShardRouter) tries the partition's next task.
  ctx.writer?.assertWriter();
  const frames = decodeWriteRequest(request, dataset, ctx.limits, (name, symbols) => ctx.ownership.assertOwned(name, symbols));
  ctx.stats.startWrite();
  if (frames.length === 0) return { rows: 0, covered: false };
  const written = await ctx.writes.write(dataset.name, frames, deadline, coverOf(request));
  ctx.stats.addRowsWritten(written.rows);
  return written;
}

/** The range the request asks to be covered (see WriteRequest.cover_start_ms); undefined when empty. */
function coverOf(request: WriteRequestMessage): TimeRange | undefined {
  const start = Number(request.coverStartMs ?? 0);
  const end = Number(request.coverEndMs ?? 0);
  return Number.isFinite(start) && Number.isFinite(end) && end > start ? { start, end } : undefined;
}
