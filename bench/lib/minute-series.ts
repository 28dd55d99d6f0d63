import type { DatasetInfo, SeriesFrame } from '@florin/core';
import type { DataClient } from '@florin/client';
import { Sfc32 } from '@florin/store';

/** The minute-bar dataset of the cache-hit benchmark: one field, consecutive minutes, far behind the live edge. */
export const MINUTE_DATASET: DatasetInfo = Object.freeze({ name: 'bench_minutes', fields: Object.freeze(['price']), frequency: '1m' });

/** First bar of every series: 2020-01-01T00:00Z. */
export const MINUTE_START = Date.UTC(2020, 0, 1);

const MINUTE_MS = 60_000;

/** The symbol of the series with `rows` rows: M1K, M10K, M100K, M1M. */
export function minuteSymbol(rows: number): string {
  if (rows >= 1e6 && rows % 1e6 === 0) return `M${rows / 1e6}M`;
  if (rows >= 1e3 && rows % 1e3 === 0) return `M${rows / 1e3}K`;
  return `M${rows}`;
}

/** A deterministic series of `rows` consecutive minute bars: a random walk in cents. */
export function minuteSeries(rows: number, seed = 7): SeriesFrame {
  const random = new Sfc32(seed, rows);
  const timestamps = new Float64Array(rows);
  const price = new Float64Array(rows);
  let p = 100;
  for (let i = 0; i < rows; i++) {
    timestamps[i] = MINUTE_START + i * MINUTE_MS;
    p = Math.max(0.01, Math.round((p + 0.05 * random.nextNormal()) * 100) / 100);
    price[i] = p;
  }
  return { symbol: minuteSymbol(rows), fields: MINUTE_DATASET.fields, timestamps, columns: [price] };
}

/** The range holding all of a `rows`-row series. */
export function minuteRange(rows: number): { start: number; end: number } {
  return { start: MINUTE_START, end: MINUTE_START + rows * MINUTE_MS };
}

/** Creates the minute dataset through the heads and writes one series per length (each through its owning head). */
export async function writeMinuteSeries(data: DataClient, lengths: readonly number[]): Promise<Map<number, SeriesFrame>> {
  await data.createDataset(MINUTE_DATASET);
  const out = new Map<number, SeriesFrame>();
  for (const rows of lengths) {
    const frame = minuteSeries(rows);
    const written = await data.write(MINUTE_DATASET.name, MINUTE_DATASET.fields, [frame], { deadlineMs: 300_000 });
    if (written !== rows) throw new Error(`wrote ${written} rows of ${frame.symbol}, expected ${rows}`);
    out.set(rows, frame);
  }
  return out;
}
