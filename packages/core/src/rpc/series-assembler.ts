import { FlorinError } from '../errors.js';
import type { SeriesFrame } from '../frame.js';
import type { SeriesBlockMessage } from '../wire.js';
import { SeriesBuffer } from './series-buffer.js';

/** A symbol's answer as it arrives: in exactly one of three places, or nowhere yet. */
interface PendingSeries {
  rows: number;
  done: boolean;
  /** Copied in as blocks arrive (the first block announced the total, or was the only one). */
  buffer?: SeriesBuffer;
  /** The only block, used in place. */
  inPlace?: SeriesFrame;
  /** Raw blocks of a sender that announced no total, joined at finish(). */
  parts?: { timestamps: Uint8Array; columns: readonly Uint8Array[] }[];
}

/**
 * Puts a streamed read back together: blocks of each requested symbol, in
 * order, until its block with `last = true`. When a symbol's first block
 * announces its total rows (`totalRows`), the symbol's buffer is allocated
 * once and every block is copied in as it arrives, so the stream's message
 * buffers die young; a symbol answered by a single block with 8-byte aligned
 * arrays (the senders' encoder aligns them) is used in place without a copy.
 * Blocks of a sender that announces no total are kept and joined once at
 * finish(). No per-point work.
 *
 * What a frame keeps alive: by default (`shareMessages` false) a frame's
 * arrays are views of one buffer of its own or of a message it fills at least
 * half of (at most about twice its size), never of another symbol's data, so
 * a cache can keep one frame alone. With `shareMessages` a single-block symbol
 * is used in place whatever else its message carries: the frames of one read
 * then share the received messages (no copy at all for a read whose symbols
 * each fit in one message), and one frame kept alone keeps its whole message
 * (at most the sender's chunk size, 1 MiB by default) alive.
 */
export class SeriesAssembler {
  private readonly pending = new Map<string, PendingSeries>();
  private fieldsValue: readonly string[] | undefined;

  constructor(
    private readonly symbols: readonly string[],
    private readonly options: { readonly shareMessages?: boolean } = {},
  ) {
    for (const s of symbols) this.pending.set(s, { rows: 0, done: false });
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
      if (series.rows === 0) {
        this.start(series, block, fields, rows);
      } else if (series.buffer) {
        if (!series.buffer.append(block.timestamps, block.columns)) {
          throw broken(`${block.symbol} sent more rows than the ${series.buffer.capacity} its first block announced`);
        }
      } else {
        series.parts!.push(block);
      }
      series.rows += rows;
    }
    if (block.last) {
      if (series.buffer && series.rows !== series.buffer.capacity) {
        throw broken(`${block.symbol} ended after ${series.rows} rows; its first block announced ${series.buffer.capacity}`);
      }
      series.done = true;
    }
  }

  /** Places a symbol's first block with rows. */
  private start(series: PendingSeries, block: SeriesBlockMessage, fields: readonly string[], rows: number): void {
    const total = block.totalRows ?? 0;
    if (block.last && total > 0 && total !== rows) {
      throw broken(`${block.symbol} ended after ${rows} rows; its first block announced ${total}`);
    }
    if (block.last) series.inPlace = inPlace(block, fields, rows, this.options.shareMessages === true);
    if (series.inPlace) return;
    if (block.last || total > 0) {
      series.buffer = new SeriesBuffer(fields.length, block.last ? rows : total);
      if (!series.buffer.append(block.timestamps, block.columns)) {
        throw broken(`${block.symbol} sent more rows than the ${total} its first block announced`);
      }
    } else {
      series.parts = [block];
    }
  }

  /** One frame per requested symbol, in request order (empty when it has no rows in range). */
  finish(fallbackFields: readonly string[]): SeriesFrame[] {
    const fields = this.fieldsValue ?? fallbackFields;
    return this.symbols.map((symbol) => {
      const series = this.pending.get(symbol)!;
      if (!series.done) throw new FlorinError('UNAVAILABLE', `the read stream ended before ${symbol} was fully answered`);
      if (series.inPlace) return { ...series.inPlace, symbol, fields };
      let buffer = series.buffer;
      if (!buffer) {
        buffer = new SeriesBuffer(fields.length, series.rows);
        for (const p of series.parts ?? []) buffer.append(p.timestamps, p.columns);
      }
      return { symbol, fields, ...buffer.arrays() };
    });
  }
}

/**
 * A whole series in one block, as Float64Array views of the received message
 * itself, when its arrays are 8-byte aligned there and, unless `shared`, make
 * up at least half of the message's buffer (so the frame pins at most about
 * twice its bytes).
 */
function inPlace(block: SeriesBlockMessage, fields: readonly string[], rows: number, shared: boolean): SeriesFrame | undefined {
  const buffer = block.timestamps.buffer;
  const arrays = [block.timestamps, ...block.columns];
  if (arrays.some((a) => a.byteOffset % 8 !== 0 || a.buffer !== buffer)) return undefined;
  if (!shared && 2 * 8 * rows * arrays.length < buffer.byteLength) return undefined;
  const view = (a: Uint8Array): Float64Array => new Float64Array(buffer, a.byteOffset, rows);
  return { symbol: block.symbol, fields, timestamps: view(block.timestamps), columns: block.columns.map(view) };
}

function broken(message: string): FlorinError {
  return new FlorinError('INTERNAL', `malformed read stream: ${message}`);
}
