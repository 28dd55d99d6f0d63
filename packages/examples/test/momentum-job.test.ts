import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesFrame } from '@florin/core';
import { momentumUnit, referenceBacktest, referenceMomentum, referenceStats, toPoints, type BacktestResult, type SignalRow } from '@florin/examples';
import { type QcuWorker } from '@florin/qcu';
import { startQcuCluster as startCluster, type QcuCluster } from '@florin/test-support';
import { bits, universe, utc } from '@florin/test-support';

const PRICES = { name: 'prices', fields: ['close'], frequency: '1d' };
const SERIES = universe(24, utc(2009), utc(2020), 5);
const SYMBOLS = SERIES.map((f) => f.symbol);
const RANGE = { start: utc(2011), end: utc(2020) };

let cluster: QcuCluster;
let worker: QcuWorker;

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.seed(PRICES, SERIES);
  worker = await cluster.worker({ units: [momentumUnit], concurrency: 3, batchSize: 2, leaseMs: 3_000 });
});
afterAll(() => cluster?.close());

describe('a momentum job on a real cluster', () => {
  it('publishes exactly the reference momentum, and its backtest result equals the reference', async () => {
    const handle = await cluster.jobs.submit({
      unit: 'momentum',
      dataset: 'prices',
      symbols: SYMBOLS,
      startMs: RANGE.start,
      endMs: RANGE.end,
      taskSize: 5,
      params: { quantile: 0.2 },
    });
    const job = await handle.wait();
    expect(job.error).toBeUndefined();
    expect(job.state).toBe('succeeded');
    // 24 symbols in tasks of 5: five tasks, then the final step.
    expect(job.progress).toMatchObject({ tasksTotal: 6, tasksSucceeded: 6, retries: 0 });

    // What the tasks published, read back through the head nodes, against the reference over the full history.
    const published = await cluster.data.read({ dataset: 'momentum_12_1', symbols: SYMBOLS, range: RANGE });
    let rows = 0;
    const signals = new Map<string, SignalRow[]>();
    published.forEach((frame: SeriesFrame, s) => {
      const full = SERIES[s]!;
      const ref = referenceMomentum(toPoints(full.timestamps, full.columns[0]!), RANGE, 252, 21);
      expect(frame.fields).toEqual(['momentum', 'ret']);
      expect(frame.timestamps.length, frame.symbol).toBe(ref.length);
      expect(bits(frame.timestamps).equals(bits(ref.map((r) => r.ts)))).toBe(true);
      expect(bits(frame.columns[0]!).equals(bits(ref.map((r) => r.values[0]!))), `${frame.symbol} momentum`).toBe(true);
      expect(bits(frame.columns[1]!).equals(bits(ref.map((r) => r.values[1]!))), `${frame.symbol} ret`).toBe(true);
      signals.set(frame.symbol, ref.map((r) => ({ ts: r.ts, momentum: r.values[0]!, ret: r.values[1]! })));
      rows += ref.length;
    });
    expect(rows).toBeGreaterThan(24 * 2000);

    // The final step's result: the reference portfolio and statistics, bit for bit (JSON numbers round-trip exactly).
    const result = job.result as BacktestResult;
    const portfolio = referenceBacktest(SYMBOLS, signals, 0.2);
    expect(bits(result.returns.timestamps).equals(bits(portfolio.dates))).toBe(true);
    expect(bits(result.returns.values).equals(bits(portfolio.returns))).toBe(true);
    expect(result).toMatchObject({ quantile: 0.2, symbols: 24, rebalances: portfolio.rebalances.length, ...referenceStats(portfolio.returns, 252) });
    expect(worker.stats()).toMatchObject({ state: 'running', running: 0, succeeded: 6, failed: 0, aborted: 0 });
  });
});
