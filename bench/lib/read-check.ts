import { framesBitEqual, type SeriesFrame } from '@florin/core';

/**
 * Checks that an answer read through a server is bit-identical to the direct
 * store read of the same query, and throws a precise Error if not. The store
 * omits symbols without rows; the server answers them with empty frames, which
 * are allowed. Returns the points (rows x fields) of the answer, which must be > 0.
 */
export function assertSameAnswer(label: string, direct: readonly SeriesFrame[], served: readonly SeriesFrame[]): number {
  const nonEmpty = served.filter((f) => f.timestamps.length > 0);
  if (nonEmpty.length !== direct.length) {
    throw new Error(`${label}: served ${nonEmpty.length} non-empty frames, the direct read ${direct.length}`);
  }
  let points = 0;
  direct.forEach((d, i) => {
    const s = nonEmpty[i]!;
    if (!framesBitEqual(d, s)) {
      throw new Error(
        `${label}: frame ${i} differs: direct ${d.symbol} [${d.fields.join(',')}] ${d.timestamps.length} rows, ` +
          `served ${s.symbol} [${s.fields.join(',')}] ${s.timestamps.length} rows (or their bits differ)`,
      );
    }
    points += d.timestamps.length * d.columns.length;
  });
  if (points === 0) throw new Error(`${label}: the query returned no points; the workload does not fit the market`);
  return points;
}
