import { rowBytes } from './codec.js';
import { sliceRows, type SeriesFrame } from './frame.js';
import type { OutgoingReadChunk, OutgoingSeriesBlock } from './wire.js';

/**
 * Bytes a block costs on the wire besides its rows: tags and lengths, the
 * symbol (UTF-8), `last`, `total_rows` and up to 9 bytes of alignment padding
 * per array.
 */
export function blockOverhead(symbol: string, fieldCount: number): number {
  return 32 + 3 * symbol.length + 16 * (1 + fieldCount);
}

/**
 * Cuts the answer to a read into ReadChunks of at most about `chunkBytes`
 * each, the same way at a shard and at a head node. Symbols are added in
 * request order, each as its rows in consecutive pieces (zero-copy views,
 * columns in `fields` order). A symbol gets one block per chunk it reaches:
 * pieces are sliced by index and merged by reference (the serializer writes
 * them back to back), the first block carries the symbol's total rows, the
 * final one has `last = true`, and a symbol without rows is one empty block
 * with `last = true`. A chunk holds at least one row, even when one row is
 * larger than `chunkBytes`. No per-point work.
 */
export class ReadChunkCutter {
  private readonly perRow: number;
  private blocks: OutgoingSeriesBlock[] = [];
  private size = 0;

  constructor(
    private readonly fields: readonly string[],
    private readonly chunkBytes: number,
  ) {
    this.perRow = rowBytes(fields.length);
  }

  /** Adds one symbol's whole answer; yields every chunk that filled up. */
  *add(symbol: string, pieces: readonly SeriesFrame[]): Generator<OutgoingReadChunk> {
    const overhead = blockOverhead(symbol, this.fields.length);
    const nonEmpty = pieces.filter((p) => p.timestamps.length > 0);
    const total = nonEmpty.reduce((n, p) => n + p.timestamps.length, 0);
    if (total === 0) {
      if (this.blocks.length > 0 && this.size + overhead > this.chunkBytes) yield this.flush();
      this.push({ symbol, pieces: [], last: true, totalRows: 0 }, overhead);
      return;
    }
    let sent = 0;
    let piece = 0;
    let from = 0;
    while (sent < total) {
      let rows = Math.min(total - sent, Math.floor((this.chunkBytes - this.size - overhead) / this.perRow));
      if (rows <= 0) {
        if (this.blocks.length > 0) {
          yield this.flush();
          continue;
        }
        rows = 1;
      }
      const parts: SeriesFrame[] = [];
      for (let need = rows; need > 0; ) {
        const p = nonEmpty[piece]!;
        const n = p.timestamps.length;
        const to = Math.min(n, from + need);
        parts.push(from === 0 && to === n ? p : sliceRows(p, from, to));
        need -= to - from;
        if (to === n) {
          piece++;
          from = 0;
        } else {
          from = to;
        }
      }
      this.push({ symbol, pieces: parts, last: sent + rows === total, totalRows: sent === 0 ? total : 0 }, overhead + rows * this.perRow);
      sent += rows;
    }
  }

  /** Yields the last, partly filled chunk, if any. */
  *finish(): Generator<OutgoingReadChunk> {
    if (this.blocks.length > 0) yield this.flush();
  }

  private push(block: OutgoingSeriesBlock, bytes: number): void {
    this.blocks.push(block);
    this.size += bytes;
  }

  private flush(): OutgoingReadChunk {
    const chunk = { fields: this.fields, blocks: this.blocks };
    this.blocks = [];
    this.size = 0;
    return chunk;
  }
}
