import { afterAll, describe, expect, it } from 'vitest';
import { lowerBound, sliceRows, type SeriesFrame } from '@florin/core';
import { KernelPool, type ComputeFn } from '@florin/qcu';
import { PORTFOLIO_DESCRIPTION, computeMomentum, referenceBacktest, referenceStats, runBacktest, type SignalRow } from '@florin/examples';
import { bits, universe, utc } from '@florin/test-support';

const pool = new KernelPool({ threads: 1 });
const compute: ComputeFn = (kernel, inputs, params) => pool.run(kernel, inputs, params);
afterAll(() => pool.close());

const RANGE = { start: utc(2012), end: utc(2020) };

/** Momentum signals of 30 symbols over RANGE, as the momentum unit publishes them. */
async function signals(): Promise<SeriesFrame[]> {
  const series = universe(30, utc(2010), utc(2020), 11, { missing: 0.01 });
  const history = series.map((f) => sliceRows(f, Math.max(0, lowerBound(f.timestamps, RANGE.start) - 252), f.timestamps.length));
  return computeMomentum(history, RANGE, { lookback: 252, skip: 21, field: 'close' }, compute);
}

function toRows(frame: SeriesFrame): SignalRow[] {
  const rows: SignalRow[] = [];
  for (let i = 0; i < frame.timestamps.length; i++) rows.push({ ts: frame.timestamps[i]!, momentum: frame.columns[0]![i]!, ret: frame.columns[1]![i]! });
  return rows;
}

describe('momentum backtest (final step)', () => {
  it('equals the reference portfolio and statistics bit for bit', async () => {
    const frames = await signals();
    for (const quantile of [0.1, 0.2, 0.5, 0.01]) {
      const result = await runBacktest(frames, { quantile }, compute);
      const ref = referenceBacktest(frames.map((f) => f.symbol), new Map(frames.map((f) => [f.symbol, toRows(f)])), quantile);
      expect(bits(result.returns.timestamps).equals(bits(ref.dates))).toBe(true);
      expect(bits(result.returns.values).equals(bits(ref.returns))).toBe(true);
      expect(result.rebalances).toBe(ref.rebalances.length);
      if (quantile === 0.01) {
        // 30 symbols x 1% < 1 name per side: the book never invests.
        expect(result.days).toBe(0);
        expect(result.sharpe).toBeNull();
        continue;
      }
      const stats = referenceStats(ref.returns, 252);
      expect(result).toMatchObject({ portfolio: PORTFOLIO_DESCRIPTION, quantile, symbols: 30, ...stats });
      // Sanity: about 8 years of month-ends, a non-trivial return series.
      expect(result.rebalances).toBeGreaterThan(85);
      expect(result.days).toBeGreaterThan(1900);
      expect(result.maxDrawdown).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    }
  });

  it('sums a symbol missing on a day as zero and ranks ties in universe order', async () => {
    const ts = (d: number): number => utc(2020, 1, d);
    // Two symbols, month end on Jan 31: A and B tie on momentum; with k = 1, A (first) is long and B short.
    const frame = (symbol: string, rows: [number, number, number][]): SeriesFrame => ({
      symbol,
      fields: ['momentum', 'ret'],
      timestamps: Float64Array.from(rows.map((r) => r[0])),
      columns: [Float64Array.from(rows.map((r) => r[1])), Float64Array.from(rows.map((r) => r[2]))],
    });
    const a = frame('A', [[ts(31), 0.5, 0], [utc(2020, 2, 3), 0.1, 0.02], [utc(2020, 2, 4), 0.1, 0.01]]);
    const b = frame('B', [[ts(31), 0.5, 0], [utc(2020, 2, 3), 0.1, 0.05]]);
    const result = await runBacktest([a, b], { quantile: 0.5 }, compute);
    expect(result.returns.timestamps).toEqual([utc(2020, 2, 3), utc(2020, 2, 4)]);
    expect(result.returns.values).toEqual([0.02 * 1 + 0.05 * -1, 0.01]);
    expect(result.rebalances).toBe(1);
  });
});
