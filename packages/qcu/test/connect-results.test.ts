import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesFrame } from '@florin/core';
import { WorkClient } from '@florin/qcu';
import { connect, type FlorinConnection, type JobEvent, type JobHandle, type JobState, type JobsClient } from '@florin/client';
import { momentumUnit, referenceBacktest, referenceMomentum, referenceStats, toPoints, type BacktestResult, type SignalRow } from '@florin/examples';
import { unitDescriptor } from '@florin/qcu';
import { startQcuCluster as startCluster, type QcuCluster } from '@florin/test-support';
import { bits, universe, utc } from '@florin/test-support';
import { failure } from '@florin/test-support';

// A dataset of its own, so that 'all' is exactly this universe.
const PRICES = { name: 'universe_prices', fields: ['close'], frequency: '1d' };
const SERIES = universe(24, utc(2009), utc(2020), 9);
const SYMBOLS = SERIES.map((f) => f.symbol);
const RANGE = { start: utc(2011), end: utc(2020) };
const OUTPUT = 'momentum_universe';
const STATE_ORDER: JobState[] = ['queued', 'running', 'succeeded'];

let cluster: QcuCluster;
let connection: FlorinConnection;
let jobs: JobsClient;

/** The reference momentum rows of one symbol over RANGE (lookback 252, skip 21). */
function reference(symbol: string): ReturnType<typeof referenceMomentum> {
  const full = SERIES[SYMBOLS.indexOf(symbol)]!;
  return referenceMomentum(toPoints(full.timestamps, full.columns[0]!), RANGE, 252, 21);
}

/** Asserts `frames` are exactly the reference momentum of `symbols`, bit for bit; answers the signals. */
function expectReference(frames: readonly SeriesFrame[], symbols: readonly string[]): Map<string, SignalRow[]> {
  expect(frames.map((f) => f.symbol)).toEqual(symbols);
  const signals = new Map<string, SignalRow[]>();
  for (const frame of frames) {
    const ref = reference(frame.symbol);
    expect(frame.fields).toEqual(['momentum', 'ret']);
    expect(frame.timestamps).toBeInstanceOf(Float64Array);
    expect(frame.timestamps.length, frame.symbol).toBe(ref.length);
    expect(ref.length).toBeGreaterThan(2000);
    expect(bits(frame.timestamps).equals(bits(ref.map((r) => r.ts))), `${frame.symbol} timestamps`).toBe(true);
    expect(bits(frame.columns[0]!).equals(bits(ref.map((r) => r.values[0]!))), `${frame.symbol} momentum`).toBe(true);
    expect(bits(frame.columns[1]!).equals(bits(ref.map((r) => r.values[1]!))), `${frame.symbol} ret`).toBe(true);
    signals.set(frame.symbol, ref.map((r) => ({ ts: r.ts, momentum: r.values[0]!, ret: r.values[1]! })));
  }
  return signals;
}

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.seed(PRICES, SERIES);
  // Declare the unit without a worker running, so the test sees the job queued before any worker takes it.
  const work = new WorkClient(cluster.coordinator.address, { workerId: 'declarer' });
  try {
    const d = unitDescriptor(momentumUnit);
    await work.registerUnits([{ name: d.name, version: d.version, paramsSchema: d.params, hasFinal: d.hasFinal, description: d.description, output: d.output }]);
  } finally {
    work.close();
  }
  connection = connect({ heads: cluster.heads, coordinator: cluster.coordinator.address });
  jobs = connection.jobs!;
});
afterAll(async () => {
  connection?.close();
  await cluster?.close();
});

/**
 * The whole-universe momentum job, submitted before any worker exists and watched to its end, which starts the
 * worker the other jobs run on: run once, by whichever test needs it first, so each test also runs alone and
 * in any order.
 */
let universeJob: Promise<{ handle: JobHandle; events: JobEvent[] }> | undefined;
const runUniverseJob = (): Promise<{ handle: JobHandle; events: JobEvent[] }> => (universeJob ??= (async () => {
  const handle = await jobs.submit({
    unit: 'momentum',
    dataset: PRICES.name,
    symbols: 'all',
    startMs: RANGE.start,
    endMs: RANGE.end,
    taskSize: 5,
    params: { quantile: 0.2 },
    outputDataset: OUTPUT,
  });
  const events: JobEvent[] = [];
  for await (const event of handle.watch()) {
    events.push(event);
    // Only now does a worker exist to run it.
    if (event.initial) await cluster.worker({ units: [momentumUnit], concurrency: 3, batchSize: 2, leaseMs: 3_000 });
  }
  return { handle, events };
})());

describe('connect({ heads, coordinator }): a whole-dataset momentum job, watched, and its results read back', () => {
  it("submits symbols: 'all', watches it to SUCCEEDED, and results() are the reference momentum bit for bit", async () => {
    expect(jobs).toBeDefined();
    const { handle, events } = await runUniverseJob();
    // 'all' was resolved through the head nodes into the dataset's symbols, sorted.
    expect(handle.job).toMatchObject({ symbols: SYMBOLS, symbolCount: 24, outputDataset: OUTPUT, state: 'queued' });

    const first = events[0]!;
    const last = events.at(-1)!;
    expect(first).toMatchObject({ initial: true, terminal: false, job: { state: 'queued', progress: { tasksSucceeded: 0, tasksTotal: 5 } } });
    expect(last).toMatchObject({ terminal: true, job: { state: 'succeeded', progress: { tasksTotal: 6, tasksSucceeded: 6, tasksFailed: 0 } } });
    for (let i = 1; i < events.length; i++) {
      const [a, b] = [events[i - 1]!.job, events[i]!.job];
      expect(STATE_ORDER.indexOf(b.state)).toBeGreaterThanOrEqual(STATE_ORDER.indexOf(a.state));
      expect(b.progress.tasksSucceeded).toBeGreaterThanOrEqual(a.progress.tasksSucceeded);
    }

    const frames = await handle.results();
    const signals = expectReference(frames, SYMBOLS);

    // The final step's result is the backtest of exactly that signal.
    const result = await handle.result<BacktestResult>();
    const portfolio = referenceBacktest(SYMBOLS, signals, 0.2);
    const stats = referenceStats(portfolio.returns, 252);
    expect(typeof result.sharpe).toBe('number');
    expect(typeof result.maxDrawdown).toBe('number');
    expect(result).toMatchObject({ quantile: 0.2, symbols: 24, rebalances: portfolio.rebalances.length, sharpe: stats.sharpe, maxDrawdown: stats.maxDrawdown });
    expect(bits(result.returns.values).equals(bits(portfolio.returns))).toBe(true);

    // A subset of the universe and of the fields, and a handle made later from the job id.
    const later = await jobs.handle(handle.jobId);
    const some = await later.results({ symbols: ['S017', 'S003'], fields: ['ret'] });
    expect(some.map((f) => [f.symbol, f.fields])).toEqual([
      ['S017', ['ret']],
      ['S003', ['ret']],
    ]);
    expect(bits(some[0]!.columns[0]!).equals(bits(frames[17]!.columns[1]!))).toBe(true);
    expect((await failure(later.results({ symbols: ['S003', 'NOPE'] }))).code).toBe('INVALID_ARGUMENT');
  });

  it('reads in batches of limits.maxSymbolsPerRequest symbols, with the same answer', async () => {
    const { handle: universe } = await runUniverseJob();
    const done = (await jobs.list({ states: ['succeeded'], unit: 'momentum' })).find((j) => j.jobId === universe.jobId);
    expect(done).toBeDefined();
    const small = connect({ heads: cluster.heads, coordinator: cluster.coordinator.address, limits: { maxSymbolsPerRequest: 7 } });
    try {
      // list() answers leave the universe out: the handle gets it from the coordinator.
      expect(done!.symbols).toEqual([]);
      const handle = await small.jobs!.handle(done!.jobId);
      await small.data.stats(true);
      expectReference(await handle.results(), SYMBOLS);
      const requests = (await small.data.stats()).reduce((n, s) => n + s.requests, 0);
      // 24 symbols in reads of at most 7: four reads, each one call per owning head.
      expect(requests).toBeGreaterThanOrEqual(4);
      expect(requests).toBeLessThanOrEqual(8);
    } finally {
      small.close();
    }
  });

  it("a job without outputDataset records the unit's dataset, and results() reads it", async () => {
    await runUniverseJob(); // its worker runs this job too
    const symbols = ['S020', 'S005', 'S011'];
    const handle = await jobs.submit({ unit: 'momentum', dataset: PRICES.name, symbols, startMs: RANGE.start, endMs: RANGE.end });
    expect(handle.job.outputDataset).toBe(momentumUnit.output.dataset);
    expectReference(await handle.results(), symbols);
    // A handle made later (from Get) and a listed job say the same.
    expect((await jobs.handle(handle.jobId)).job.outputDataset).toBe(momentumUnit.output.dataset);
    expect((await jobs.list({ unit: 'momentum' })).find((j) => j.jobId === handle.jobId)?.outputDataset).toBe(momentumUnit.output.dataset);
    // The rows really are in the unit's dataset, read directly through the head nodes.
    const direct = await connection.data.read({ dataset: momentumUnit.output.dataset, symbols, range: RANGE });
    expectReference(direct, symbols);
  });

  it('without a data client results() is FAILED_PRECONDITION; a universe of nothing is refused', async () => {
    const { handle: done } = await runUniverseJob();
    // The fixture's JobsClient was made without connect(): no data plane.
    const bare = await cluster.jobs.handle(done.jobId);
    const err = await failure(bare.results());
    expect(err.code).toBe('FAILED_PRECONDITION');
    expect(err.message).toContain('connect({ heads, coordinator })');
    expect(await bare.result()).toMatchObject({ symbols: expect.any(Number) });

    const submission = { unit: 'momentum', symbols: 'all' as const, startMs: RANGE.start, endMs: RANGE.end };
    expect((await failure(jobs.submit({ ...submission, dataset: 'nosuch' }))).code).toBe('NOT_FOUND');
    await connection.data.createDataset({ name: 'vacant', fields: ['close'], frequency: '1d' });
    const empty = await failure(jobs.submit({ ...submission, dataset: 'vacant' }));
    expect(empty.code).toBe('FAILED_PRECONDITION');
    expect(empty.message).toContain('found no symbols in vacant');
  });
});
