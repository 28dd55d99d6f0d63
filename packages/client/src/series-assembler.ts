import { FlorinError, type SeriesBlockMessage, type SeriesFrame } from '@florin/core';

/** A symbol's blocks as they arrive: raw column bytes, joined once at the end. */
interface PendingSeries {
  readonly timestamps: Uint8Array[];
  readonly columns: Uint8Array[][];
  rows: number;
  done: boolean;
}

/**
 * Puts a streamed read back together: blocks of each requested symbol, in
 * order, until its block with `last = true`. Columns stay raw bytes until
 * finish(), which copies each symbol once into one buffer of its own (its
 * timestamps and columns are Float64Array views of it): one allocation per
 * symbol, no per-point work, and a frame never pins the stream's message
 * buffers or another symbol's data (so a cache can keep one frame alone).
 */
export class SeriesAssembler {
  private readonly pending = new Map<string, PendingSeries>();
  private fieldsValue: readonly string[] | undefined;

  constructor(private readonly symbols: readonly string[]) {
    for (const s of symbols) this.pending.set(s, { timestamps: [], columns: [], rows: 0, done: false });
  }

  /** Takes one ReadChunk's blocks; throws INTERNAL when the stream breaks the contract. */
  add(fields: readonly string[], blocks: readonly SeriesBlockMessage[]): void {
    if (!this.fieldsValue) this.fieldsValue = [...fields];
    else if (fields.length !== this.fieldsValue.length || fields.some((f, i) => f !== this.fieldsValue![i])) {
      throw broken(`chunk fields (${fields.join(', ')}) differ from the first chunk's (${this.fieldsValue.join(', ')})`);
    }
    for (const block of blocks) this.addBlock(block, this.fieldsValue);
  }

  private addBlock(block: SeriesBlockMessage, fields: readonly string[]): void {
    const series = this.pending.get(block.symbol);
    if (!series) throw broken(`the server answered symbol ${JSON.stringify(block.symbol)}, which was not requested`);
    if (series.done) throw broken(`the server sent a block of ${block.symbol} after its last one`);
    if (block.timestamps.byteLength % 8 !== 0) throw broken(`timestamps of ${block.symbol} are ${block.timestamps.byteLength} bytes`);
    const rows = block.timestamps.byteLength / 8;
    if (rows > 0) {
      if (block.columns.length !== fields.length) {
        throw broken(`a block of ${block.symbol} has ${block.columns.length} columns for ${fields.length} fields`);
      }
      for (const c of block.columns) {
        if (c.byteLength !== block.timestamps.byteLength) throw broken(`a block of ${block.symbol} has columns of unequal length`);
      }
      series.timestamps.push(block.timestamps);
      block.columns.forEach((c, i) => (series.columns[i] ??= []).push(c));
      series.rows += rows;
    }
    if (block.last) series.done = true;
  }

  /** One frame per requested symbol, in request order (empty when it has no rows in range). */
  finish(fallbackFields: readonly string[]): SeriesFrame[] {
    const fields = this.fieldsValue ?? fallbackFields;
    return this.symbols.map((symbol) => {
      const series = this.pending.get(symbol)!;
      if (!series.done) throw new FlorinError('UNAVAILABLE', `the read stream ended before ${symbol} was fully answered`);
      const n = series.rows;
      const buffer = new ArrayBuffer(8 * n * (1 + fields.length));
      const bytes = new Uint8Array(buffer);
      const column = (k: number, parts: readonly Uint8Array[] = []): Float64Array => {
        let at = 8 * n * k;
        for (const p of parts) {
          bytes.set(p, at);
          at += p.byteLength;
        }
        return new Float64Array(buffer, 8 * n * k, n);
      };
      return { symbol, fields, timestamps: column(0, series.timestamps), columns: fields.map((_, i) => column(1 + i, series.columns[i])) };
    });
  }
}

function broken(message: string): FlorinError {
  return new FlorinError('INTERNAL', `malformed read stream: ${message}`);
}
