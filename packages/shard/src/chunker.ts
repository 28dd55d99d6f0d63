import { ReadChunkCutter, selectFields, type OutgoingReadChunk, type SeriesFrame } from '@florin/core';

/**
 * Cuts the answer to a read into ReadChunks of at most about `chunkBytes`
 * each (see ReadChunkCutter). Symbols are added in request order, each with
 * its whole answer; a long series is split over several SeriesBlocks
 * (zero-copy views of the frame's columns, copied once by the Read
 * serializer), the first block of a symbol carries its total rows, the final
 * one has `last = true`, and a symbol without rows is answered by one empty
 * block with `last = true`. A chunk holds at least one row, even when one row
 * is larger than `chunkBytes`.
 */
export class ReadChunker {
  private readonly cutter: ReadChunkCutter;

  constructor(
    private readonly fields: readonly string[],
    chunkBytes: number,
  ) {
    this.cutter = new ReadChunkCutter(fields, chunkBytes);
  }

  /** Adds one symbol's whole answer (undefined: no rows); yields every chunk that filled up. */
  *add(symbol: string, found: SeriesFrame | undefined): Generator<OutgoingReadChunk> {
    yield* this.cutter.add(symbol, found ? [selectFields(found, this.fields)] : []);
  }

  /** Yields the last, partly filled chunk, if any. */
  *finish(): Generator<OutgoingReadChunk> {
    yield* this.cutter.finish();
  }
}

/** The chunks of a whole answer: `frames` by symbol, in the order of `symbols`. */
export function* readChunks(
  symbols: readonly string[],
  frames: ReadonlyMap<string, SeriesFrame>,
  fields: readonly string[],
  chunkBytes: number,
): Generator<OutgoingReadChunk> {
  const chunker = new ReadChunker(fields, chunkBytes);
  for (const symbol of symbols) yield* chunker.add(symbol, frames.get(symbol));
  yield* chunker.finish();
}
