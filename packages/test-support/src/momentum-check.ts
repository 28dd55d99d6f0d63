import { bits } from './market-data.js';
import { join } from 'node:path';
import { expect } from 'vitest';
import { shardFor, type SeriesFrame, type TimeRange } from '@florin/core';
import { DuckDbStore, generateMarket } from '@florin/store';
import { referenceBacktest, referenceMomentum, referenceStats, toPoints, type BacktestResult, type ReferenceRow, type SignalRow } from '@florin/examples';

/** The sample market a data directory was generated with (`florin up` / `florin data generate` flags). */
export interface MarketSpec {
  symbols: number;
  years: number;
  seed: number;
}

/** What a momentum job must publish: the reference rows of every symbol of its universe. */
export interface ExpectedMomentum {
  universe: readonly string[];
  range: TimeRange;
  bySymbol: Map<string, ReferenceRow[]>;
  totalRows: number;
}

/** The market's symbols sorted: the universe of a job submitted with symbols: 'all' (ListSymbols answers them sorted). */
export function marketUniverse(market: MarketSpec): string[] {
  return [...generateMarket(market).symbols].sort();
}

/** referenceMomentum over each symbol's whole generated history, computed in this process. */
export function expectedMomentum(market: MarketSpec, universe: readonly string[], range: TimeRange, lookback = 252, skip = 21): ExpectedMomentum {
  const generated = generateMarket(market);
  const bySymbol = new Map<string, ReferenceRow[]>();
  let totalRows = 0;
  for (const symbol of universe) {
    const frame = generated.frame(symbol);
    const close = frame.columns[frame.fields.indexOf('close')]!;
    const rows = referenceMomentum(toPoints(frame.timestamps, close), range, lookback, skip);
    bySymbol.set(symbol, rows);
    totalRows += rows.length;
  }
  return { universe, range, bySymbol, totalRows };
}

/**
 * Published frames (one per universe symbol, in order, fields momentum and
 * ret) equal the reference bit for bit: same timestamps (so no row missing and
 * none twice), same values including NaNs.
 */
export function expectPublishedEqualsReference(frames: readonly SeriesFrame[], expected: ExpectedMomentum): void {
  expect(frames.map((f) => f.symbol)).toEqual([...expected.universe]);
  for (const frame of frames) {
    const ref = expected.bySymbol.get(frame.symbol)!;
    expect(frame.fields).toEqual(['momentum', 'ret']);
    expect(frame.timestamps.length, `${frame.symbol} rows`).toBe(ref.length);
    expect(bits(frame.timestamps).equals(bits(ref.map((r) => r.ts))), `${frame.symbol} timestamps`).toBe(true);
    expect(bits(frame.columns[0]!).equals(bits(ref.map((r) => r.values[0]!))), `${frame.symbol} momentum`).toBe(true);
    expect(bits(frame.columns[1]!).equals(bits(ref.map((r) => r.values[1]!))), `${frame.symbol} ret`).toBe(true);
  }
}

/** The final step's backtest equals referenceBacktest / referenceStats over the reference signal, bit for bit. */
export function expectBacktestEqualsReference(result: BacktestResult, expected: ExpectedMomentum, quantile: number): void {
  const signals = new Map<string, SignalRow[]>();
  for (const [symbol, rows] of expected.bySymbol) signals.set(symbol, rows.map((r) => ({ ts: r.ts, momentum: r.values[0]!, ret: r.values[1]! })));
  const portfolio = referenceBacktest(expected.universe, signals, quantile);
  expect(portfolio.returns.length).toBeGreaterThan(100);
  expect(bits(result.returns.timestamps).equals(bits(portfolio.dates)), 'backtest dates').toBe(true);
  expect(bits(result.returns.values).equals(bits(portfolio.returns)), 'backtest returns').toBe(true);
  expect(result).toMatchObject({ quantile, symbols: expected.universe.length, rebalances: portfolio.rebalances.length, ...referenceStats(portfolio.returns, 252) });
}

/**
 * With the cluster stopped, reads the output dataset straight from the
 * per-shard DuckDB files: every symbol's rows are on the shard the partition
 * function names and nowhere else, each symbol has exactly its reference rows
 * (bit for bit), and the files hold no other rows of the dataset.
 */
export async function expectShardFilesEqualReference(dataDir: string, shardCount: number, dataset: string, expected: ExpectedMomentum): Promise<void> {
  const wide: TimeRange = { start: 0, end: Date.UTC(2100, 0, 1) };
  let rowsInFiles = 0;
  const seen = new Map<string, number>();
  for (let shard = 0; shard < shardCount; shard++) {
    const store = new DuckDbStore({ path: join(dataDir, `shard-${shard}.duckdb`) });
    await store.open();
    try {
      rowsInFiles += await store.countRows(dataset);
      const frames = await store.read({ dataset, symbols: [...expected.universe], fields: ['momentum', 'ret'], range: wide });
      for (const frame of frames) {
        expect(shardFor(dataset, frame.symbol, shardCount), `${frame.symbol} lives on shard ${shard}`).toBe(shard);
        expect(seen.has(frame.symbol), `${frame.symbol} on two shards`).toBe(false);
        seen.set(frame.symbol, frame.timestamps.length);
        const ref = expected.bySymbol.get(frame.symbol)!;
        expect(bits(frame.timestamps).equals(bits(ref.map((r) => r.ts))), `${frame.symbol} timestamps in shard-${shard}.duckdb`).toBe(true);
        expect(bits(frame.columns[0]!).equals(bits(ref.map((r) => r.values[0]!))), `${frame.symbol} momentum in shard-${shard}.duckdb`).toBe(true);
        expect(bits(frame.columns[1]!).equals(bits(ref.map((r) => r.values[1]!))), `${frame.symbol} ret in shard-${shard}.duckdb`).toBe(true);
      }
    } finally {
      await store.close();
    }
  }
  // Rows per symbol: exactly the reference count, for every symbol of the universe.
  expect(Object.fromEntries(seen)).toEqual(Object.fromEntries([...expected.bySymbol].map(([s, rows]) => [s, rows.length])));
  expect(rowsInFiles).toBe(expected.totalRows);
}
