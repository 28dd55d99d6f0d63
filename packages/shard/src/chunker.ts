import { encodeBlock, emptyFrame, rowBytes, selectFields, sliceRows } from '@florin/core';
import type { ReadChunkMessage, SeriesBlockMessage, SeriesFrame } from '@florin/core';

/** Bytes a block costs on the wire besides its rows: tags, lengths, the symbol, the `last` flag. */
function blockOverhead(symbol: string, fieldCount: number): number {
  return 16 + symbol.length + 6 * (1 + fieldCount);
}

/**
 * Cuts the answer to a read into ReadChunks of at most about `chunkBytes`
 * each. Symbols are added in request order; a long series is split over
 * several SeriesBlocks (zero-copy views of the frame's columns), the final
 * block of every symbol has `last = true`, and a symbol without rows is
 * answered by one empty block with `last = true`. No per-point work: rows are
 * sliced by index. A chunk holds at least one row, even when one row is larger
 * than `chunkBytes`.
 */
export class ReadChunker {
  private readonly perRow: number;
  private blocks: SeriesBlockMessage[] = [];
  private size = 0;

  constructor(
    private readonly fields: readonly string[],
    private readonly chunkBytes: number,
  ) {
    this.perRow = rowBytes(fields.length);
  }

  /** Adds one symbol's whole answer (undefined: no rows); yields every chunk that filled up. */
  *add(symbol: string, found: SeriesFrame | undefined): Generator<ReadChunkMessage> {
    const frame = found ? selectFields(found, this.fields) : emptyFrame(symbol, this.fields);
    const n = frame.timestamps.length;
    const overhead = blockOverhead(symbol, this.fields.length);
    if (n === 0) {
      if (this.blocks.length > 0 && this.size + overhead > this.chunkBytes) yield this.flush();
      this.push(encodeBlock(frame, true), overhead);
      return;
    }
    let from = 0;
    while (from < n) {
      let rows = Math.min(n - from, Math.floor((this.chunkBytes - this.size - overhead) / this.perRow));
      if (rows <= 0) {
        if (this.blocks.length > 0) {
          yield this.flush();
          continue;
        }
        rows = 1;
      }
      const to = from + rows;
      this.push(encodeBlock(sliceRows(frame, from, to), to === n), overhead + rows * this.perRow);
      from = to;
    }
  }

  /** Yields the last, partly filled chunk, if any. */
  *finish(): Generator<ReadChunkMessage> {
    if (this.blocks.length > 0) yield this.flush();
  }

  private push(block: SeriesBlockMessage, bytes: number): void {
    this.blocks.push(block);
    this.size += bytes;
  }

  private flush(): ReadChunkMessage {
    const chunk = { fields: this.fields, blocks: this.blocks };
    this.blocks = [];
    this.size = 0;
    return chunk;
  }
}

/** The chunks of a whole answer: `frames` by symbol, in the order of `symbols`. */
export function* readChunks(
  symbols: readonly string[],
  frames: ReadonlyMap<string, SeriesFrame>,
  fields: readonly string[],
  chunkBytes: number,
): Generator<ReadChunkMessage> {
  const chunker = new ReadChunker(fields, chunkBytes);
  for (const symbol of symbols) yield* chunker.add(symbol, frames.get(symbol));
  yield* chunker.finish();
}
