import { afterAll, describe, expect, it } from 'vitest';
import { lowerBound, sliceRows, type SeriesFrame, type TimeRange } from '@florin/core';
import { KernelPool, type ComputeFn } from '@florin/qcu';
import { computeMomentum, computeVolatility, computeZScore, referenceMomentum, referenceVolatility, referenceZScore, toPoints, type ReferenceRow } from '@florin/examples';
import { DAY_MS, bits, prng, universe, utc } from '@florin/test-support';

const pool = new KernelPool({ threads: 2 });
const compute: ComputeFn = (kernel, inputs, params) => pool.run(kernel, inputs, params);
afterAll(() => pool.close());

// Ten years of daily bars for 12 symbols, 2% of closes missing, 1% of bars left out.
const FROM = utc(2010);
const TO = utc(2020);
const SERIES = universe(12, FROM, TO, 7, { missing: 0.02 });

/** Task ranges: whole years, random spans, one day, and ranges too early for a full warm-up. */
function taskRanges(): TimeRange[] {
  const next = prng(99);
  const ranges: TimeRange[] = [
    { start: FROM, end: TO },
    { start: utc(2015), end: utc(2016) },
    { start: utc(2010, 3, 1), end: utc(2011, 2, 1) },
    { start: utc(2017, 6, 13), end: utc(2017, 6, 14) },
  ];
  for (let i = 0; i < 6; i++) {
    const start = FROM + Math.floor(next() * 3500) * DAY_MS;
    ranges.push({ start, end: start + (1 + Math.floor(next() * 400)) * DAY_MS });
  }
  return ranges;
}

/** What readHistory returns at the least: `bars` rows before the range, then the range. */
function withHistory(frame: SeriesFrame, range: TimeRange, bars: number): SeriesFrame {
  const from = Math.max(0, lowerBound(frame.timestamps, range.start) - bars);
  return sliceRows(frame, from, lowerBound(frame.timestamps, range.end));
}

function expectBitEqual(frames: SeriesFrame[], expected: ReferenceRow[][], fieldCount: number): void {
  frames.forEach((frame, s) => {
    const ref = expected[s]!;
    expect(frame.timestamps.length, `${frame.symbol} rows`).toBe(ref.length);
    expect(bits(frame.timestamps).equals(bits(ref.map((r) => r.ts))), `${frame.symbol} timestamps`).toBe(true);
    for (let f = 0; f < fieldCount; f++) {
      const same = bits(frame.columns[f]!).equals(bits(ref.map((r) => r.values[f]!)));
      expect(same, `${frame.symbol} ${frame.fields[f]} bits`).toBe(true);
    }
  });
}

describe('unit computations equal their reference implementations bit for bit', () => {
  it('12-1 momentum (and daily return)', async () => {
    let compared = 0;
    for (const range of taskRanges()) {
      for (const p of [{ lookback: 252, skip: 21 }, { lookback: 20, skip: 0 }]) {
        const frames = await computeMomentum(SERIES.map((f) => withHistory(f, range, p.lookback)), range, { ...p, field: 'close' }, compute);
        const expected = SERIES.map((f) => referenceMomentum(toPoints(f.timestamps, f.columns[0]!), range, p.lookback, p.skip));
        expectBitEqual(frames, expected, 2);
        compared += expected.reduce((n, r) => n + r.length, 0);
      }
    }
    expect(compared).toBeGreaterThan(50_000);
  });

  it('mean-reversion z-score', async () => {
    for (const range of taskRanges()) {
      for (const window of [20, 2, 63]) {
        const frames = await computeZScore(SERIES.map((f) => withHistory(f, range, window - 1)), range, { window, field: 'close' }, compute);
        const expected = SERIES.map((f) => referenceZScore(toPoints(f.timestamps, f.columns[0]!), range, window));
        expectBitEqual(frames, expected, 3);
      }
    }
  });

  it('rolling volatility', async () => {
    for (const range of taskRanges()) {
      for (const [window, periodsPerYear] of [[21, 252], [2, 365], [126, 252]] as const) {
        const frames = await computeVolatility(
          SERIES.map((f) => withHistory(f, range, window)),
          range,
          { window, periodsPerYear, field: 'close' },
          compute,
        );
        const expected = SERIES.map((f) => referenceVolatility(toPoints(f.timestamps, f.columns[0]!), range, window, periodsPerYear));
        expectBitEqual(frames, expected, 1);
      }
    }
  });

  it('publishes only rows inside the task range that have a value', async () => {
    const range = { start: utc(2010, 6, 1), end: utc(2011, 6, 1) };
    const [frame] = await computeMomentum([withHistory(SERIES[0]!, range, 252)], range, { lookback: 252, skip: 21, field: 'close' }, compute);
    expect(frame!.timestamps[0]).toBeGreaterThanOrEqual(range.start);
    expect(frame!.timestamps[frame!.timestamps.length - 1]).toBeLessThan(range.end);
    for (let i = 0; i < frame!.timestamps.length; i++) {
      expect(Number.isNaN(frame!.columns[0]![i]!) && Number.isNaN(frame!.columns[1]![i]!)).toBe(false);
    }
  });
});
