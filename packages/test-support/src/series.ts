import { expect } from 'vitest';
import { FlorinError, emptyFrame, framesBitEqual, type SeriesFrame } from '@florin/core';

// The shared helpers of the packages' tests (head, client, QCU and the end-to-end tests import them from here).

/** A small deterministic PRNG (mulberry32) so failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values whose bits a lossy path would change: -0, subnormals, extremes, infinities. */
const AWKWARD = [-0, 5e-324, -2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity, 0.1 + 0.2];

/** One synthetic series: `rows` bars `stepMs` apart from `startMs`, random walk values with awkward floats mixed in. */
export function syntheticFrame(
  symbol: string,
  fields: readonly string[],
  rows: number,
  startMs: number,
  stepMs: number,
  seed: number,
): SeriesFrame {
  const next = prng(seed);
  const timestamps = new Float64Array(rows);
  const columns = fields.map(() => new Float64Array(rows));
  let price = 100 + next() * 50;
  for (let i = 0; i < rows; i++) {
    timestamps[i] = startMs + i * stepMs;
    price *= 1 + (next() - 0.5) * 0.02;
    columns.forEach((c, f) => {
      c[i] = i % 97 === 13 ? AWKWARD[(i + f) % AWKWARD.length]! : price * (1 + f * 1e-3) + next() * 1e-6;
    });
  }
  return { symbol, fields, timestamps, columns };
}

/** Asserts bit-identical frames; a missing expected frame means "no rows" (an empty frame). */
export function expectSameSeries(actual: SeriesFrame | undefined, expected: SeriesFrame | undefined, symbol: string, fields: readonly string[]): void {
  const want = expected ?? emptyFrame(symbol, fields);
  expect(actual, `no frame for ${symbol}`).toBeDefined();
  expect(actual!.symbol).toBe(symbol);
  expect([...actual!.fields]).toEqual([...fields]);
  expect(actual!.timestamps.length, `row count of ${symbol}`).toBe(want.timestamps.length);
  expect(framesBitEqual(actual!, { ...want, symbol, fields }), `bits of ${symbol}`).toBe(true);
}

export const DAY_MS = 86_400_000;
export const OHLCV = ['open', 'high', 'low', 'close', 'volume'] as const;
export const utc = (y: number, m = 1, d = 1): number => Date.UTC(y, m - 1, d);

/** Awaits `work`, which must fail with a FlorinError; answers it. */
export async function failure(work: Promise<unknown>): Promise<FlorinError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the call to fail').toBeInstanceOf(FlorinError);
  return err as FlorinError;
}
