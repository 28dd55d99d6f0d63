import { ReadChunkCutter, type OutgoingReadChunk } from '@florin/core';
import type { HeadReadResult } from './read-result.js';

/**
 * Cuts a read's answer into ReadChunks of at most about `chunkBytes` each,
 * in request-symbol order, the same way a shard does (ReadChunkCutter): a
 * symbol gets one SeriesBlock per chunk it reaches, made of zero-copy views of
 * the cached chunks (the Read serializer copies them once, back to back,
 * straight into the message); its first block carries its total rows, its
 * final block has `last = true`, and a symbol without rows is one empty block
 * with `last = true`. A chunk holds at least one row.
 */
export function* readChunks(result: HeadReadResult, chunkBytes: number): Generator<OutgoingReadChunk> {
  const cutter = new ReadChunkCutter(result.fields, chunkBytes);
  for (const series of result.series) yield* cutter.add(series.symbol, series.pieces);
  yield* cutter.finish();
}
