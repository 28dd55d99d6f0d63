import type { TimeRange } from '@florin/core';
import { isPrice, publishedRows, type ClosePoint, type ReferenceRow } from './points.js';

/**
 * Reference rolling volatility: for each point, the sample standard deviation
 * of the last `window` daily log returns ln(close(t) / close(t - 1)), times
 * sqrt(periodsPerYear); NaN when a return in the window is undefined.
 * Returns the published rows inside `range`.
 */
export function referenceVolatility(points: ClosePoint[], range: TimeRange, window: number, periodsPerYear: number): ReferenceRow[] {
  const logReturns: number[] = [NaN];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!.close;
    const b = points[i]!.close;
    logReturns.push(isPrice(a) && isPrice(b) && Number.isFinite(b / a) ? Math.log(b / a) : NaN);
  }
  const rows: ReferenceRow[] = [];
  for (let i = 0; i < points.length; i++) {
    let vol = NaN;
    if (i >= window) {
      const w = logReturns.slice(i + 1 - window, i + 1);
      if (w.every((r) => !Number.isNaN(r))) {
        let sum = 0;
        for (const r of w) sum += r;
        const mean = sum / window;
        let squares = 0;
        for (const r of w) squares += (r - mean) * (r - mean);
        vol = Math.sqrt(squares / (window - 1)) * Math.sqrt(periodsPerYear);
      }
    }
    rows.push({ ts: points[i]!.ts, values: [vol] });
  }
  return publishedRows(rows, range);
}
