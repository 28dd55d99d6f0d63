import type { SeriesFrame } from '@florin/core';

/**
 * Returns `frame` itself when its timestamps ascend (checked in one pass),
 * else a copy with rows sorted by time. Timestamps must be distinct. Values are moved as pairs of 32-bit
 * words, so every bit (NaN payloads included) is kept.
 */
export function sortFrameByTime(frame: SeriesFrame): SeriesFrame {
  const ts = frame.timestamps;
  if (isAscending(ts, 0, ts.length)) return frame;
  // Timestamps of one symbol are unique (they are its primary key), so a
  // native numeric sort of the values plus a value -> row map gives the
  // permutation far faster than sorting indexes with a comparator.
  const rowOf = new Map<number, number>();
  for (let i = 0; i < ts.length; i++) rowOf.set(ts[i]!, i);
  const sortedTs = ts.slice().sort();
  const order = new Uint32Array(ts.length);
  for (let i = 0; i < ts.length; i++) order[i] = rowOf.get(sortedTs[i]!)!;
  const permute = (column: Float64Array): Float64Array => {
    const source = new Uint32Array(column.buffer, column.byteOffset, column.length * 2);
    const out = new Float64Array(column.length);
    const words = new Uint32Array(out.buffer);
    for (let i = 0; i < order.length; i++) {
      const from = order[i]! * 2;
      words[2 * i] = source[from]!;
      words[2 * i + 1] = source[from + 1]!;
    }
    return out;
  };
  return { symbol: frame.symbol, fields: frame.fields, timestamps: permute(ts), columns: frame.columns.map(permute) };
}

/** True when ts[from, to) is non-decreasing. */
export function isAscending(ts: Float64Array, from: number, to: number): boolean {
  for (let i = from + 1; i < to; i++) if (ts[i]! < ts[i - 1]!) return false;
  return true;
}
