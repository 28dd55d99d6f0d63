import type { TimeRange } from './range.js';

/**
 * One symbol's series, columnar: timestamps (epoch ms, strictly increasing) and
 * one Float64Array per field, all the same length.
 */
export interface SeriesFrame {
  readonly symbol: string;
  readonly fields: readonly string[];
  readonly timestamps: Float64Array;
  readonly columns: readonly Float64Array[];
}

export function frameLength(frame: SeriesFrame): number {
  return frame.timestamps.length;
}

export function emptyFrame(symbol: string, fields: readonly string[]): SeriesFrame {
  return { symbol, fields, timestamps: new Float64Array(0), columns: fields.map(() => new Float64Array(0)) };
}

/** Index of the first timestamp >= t (binary search). */
export function lowerBound(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A zero-copy view of the rows of `frame` inside `range`. */
export function sliceFrame(frame: SeriesFrame, range: TimeRange): SeriesFrame {
  const from = lowerBound(frame.timestamps, range.start);
  const to = lowerBound(frame.timestamps, range.end);
  return sliceRows(frame, from, to);
}

export function sliceRows(frame: SeriesFrame, from: number, to: number): SeriesFrame {
  return {
    symbol: frame.symbol,
    fields: frame.fields,
    timestamps: frame.timestamps.subarray(from, to),
    columns: frame.columns.map((c) => c.subarray(from, to)),
  };
}

/** Picks `fields` (a subset, in the given order) out of `frame`, zero-copy. */
export function selectFields(frame: SeriesFrame, fields: readonly string[]): SeriesFrame {
  if (fields.length === frame.fields.length && fields.every((f, i) => f === frame.fields[i])) return frame;
  const columns = fields.map((f) => {
    const i = frame.fields.indexOf(f);
    if (i < 0) throw new Error(`frame for ${frame.symbol} has no field ${f}`);
    return frame.columns[i]!;
  });
  return { symbol: frame.symbol, fields, timestamps: frame.timestamps, columns };
}

/** Concatenates frames of one symbol whose timestamps are ordered and disjoint. */
export function concatFrames(symbol: string, fields: readonly string[], parts: readonly SeriesFrame[]): SeriesFrame {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.timestamps.length;
  const timestamps = new Float64Array(n);
  const columns = fields.map(() => new Float64Array(n));
  let at = 0;
  for (const p of parts) {
    timestamps.set(p.timestamps, at);
    for (let c = 0; c < columns.length; c++) columns[c]!.set(p.columns[c]!, at);
    at += p.timestamps.length;
  }
  return { symbol, fields, timestamps, columns };
}

/** True when both frames have identical fields and bit-identical values. */
export function framesBitEqual(a: SeriesFrame, b: SeriesFrame): boolean {
  if (a.symbol !== b.symbol || a.fields.join() !== b.fields.join()) return false;
  if (!bytesEqual(a.timestamps, b.timestamps)) return false;
  return a.columns.every((c, i) => bytesEqual(c, b.columns[i]!));
}

function bytesEqual(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
