import type { TimeRange } from '@florin/core';
import { isPrice, publishedRows, type ClosePoint, type ReferenceRow } from './points.js';

/**
 * Reference 12-1 momentum over a symbol's whole history, one point at a time:
 * values [momentum, ret] where momentum = close(t - skip) / close(t - lookback) - 1
 * and ret = close(t) / close(t - 1) - 1, counted in rows; NaN when a close it
 * needs is not a usable price. Returns the published rows inside `range`.
 */
export function referenceMomentum(points: ClosePoint[], range: TimeRange, lookback: number, skip: number): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  for (let i = 0; i < points.length; i++) {
    let ret = NaN;
    if (i >= 1 && isPrice(points[i]!.close) && isPrice(points[i - 1]!.close)) {
      ret = points[i]!.close / points[i - 1]!.close - 1;
    }
    let momentum = NaN;
    if (i >= lookback) {
      const recent = points[i - skip]!.close;
      const past = points[i - lookback]!.close;
      if (isPrice(recent) && isPrice(past)) momentum = recent / past - 1;
    }
    rows.push({ ts: points[i]!.ts, values: [momentum, ret] });
  }
  return publishedRows(rows, range);
}
