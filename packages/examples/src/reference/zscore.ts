import type { TimeRange } from '@florin/core';
import { publishedRows, type ClosePoint, type ReferenceRow } from './points.js';

/**
 * Reference mean-reversion z-score: for each point with a full window of
 * `window` closes (today included), values [zscore, mean, std] with the sample
 * standard deviation; NaN when the window holds a non-finite close, zscore NaN
 * when std is 0. Returns the published rows inside `range`.
 */
export function referenceZScore(points: ClosePoint[], range: TimeRange, window: number): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  for (let i = 0; i < points.length; i++) {
    const row = { ts: points[i]!.ts, values: [NaN, NaN, NaN] };
    rows.push(row);
    if (i + 1 < window) continue;
    const closes = points.slice(i + 1 - window, i + 1).map((p) => p.close);
    if (!closes.every((x) => Number.isFinite(x))) continue;
    let sum = 0;
    for (const x of closes) sum += x;
    const mean = sum / window;
    let squares = 0;
    for (const x of closes) squares += (x - mean) * (x - mean);
    const std = Math.sqrt(squares / (window - 1));
    row.values = [std > 0 ? (points[i]!.close - mean) / std : NaN, mean, std];
  }
  return publishedRows(rows, range);
}
