import type { TimeRange } from '@florin/core';

/** One bar, as the reference implementations see a series: a plain object per point. */
export interface ClosePoint {
  ts: number;
  close: number;
}

/** A reference output row: its timestamp and one value per output field. */
export interface ReferenceRow {
  ts: number;
  values: number[];
}

/** The points of a columnar series, one object each. */
export function toPoints(timestamps: ArrayLike<number>, closes: ArrayLike<number>): ClosePoint[] {
  const points: ClosePoint[] = [];
  for (let i = 0; i < timestamps.length; i++) points.push({ ts: timestamps[i]!, close: closes[i]! });
  return points;
}

/** A usable price: finite and positive. */
export function isPrice(x: number): boolean {
  return Number.isFinite(x) && x > 0;
}

/** The rows in `range` that have at least one defined (non-NaN) value: what a unit publishes. */
export function publishedRows(rows: ReferenceRow[], range: TimeRange): ReferenceRow[] {
  return rows.filter((r) => r.ts >= range.start && r.ts < range.end && r.values.some((v) => !Number.isNaN(v)));
}
