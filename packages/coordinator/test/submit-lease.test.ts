import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlorinError } from '@florin/core';
import { JobsClient } from '@florin/client';
import { MOMENTUM, RANGE, RANKER, UNITS, okOutcome, startCoordinator, symbols, type CoordinatorFixture } from '@florin/test-support';

describe('coordinator over gRPC: submit, lease, complete', () => {
  let f: CoordinatorFixture;
  beforeEach(async () => {
    f = await startCoordinator({ maxSymbolsPerJob: 1_000 });
  });
  afterEach(async () => {
    await f.close();
  });

  const submission = (extra: Record<string, unknown> = {}) => ({
    unit: 'momentum',
    dataset: 'daily',
    symbols: symbols(10),
    ...RANGE,
    taskSize: 4,
    params: { threshold: 0.5 },
    outputDataset: 'momentum_out',
    ...extra,
  });

  it('runs a job from submit to succeeded with exact counts, leasing in FIFO batches', async () => {
    const handle = await f.jobs.submit(submission());
    expect(handle.created).toBe(true);
    expect(handle.job).toMatchObject({
      state: 'queued',
      unit: 'momentum',
      unitVersion: '1.0.0',
      symbolCount: 10,
      taskSize: 4,
      maxAttempts: 3,
      params: { threshold: 0.5, window: 20 },
      progress: { tasksTotal: 3, tasksQueued: 3, tasksRunning: 0, tasksSucceeded: 0, tasksFailed: 0, tasksCancelled: 0, retries: 0 },
    });
    const later = await f.jobs.submit(submission({ symbols: ['AAA', 'BBB'] }));

    const batch1 = await f.work.lease({ units: UNITS, maxTasks: 2 });
    expect(batch1.map((t) => [t.jobId, t.index, t.attempt, t.symbols])).toEqual([
      [handle.jobId, 0, 1, symbols(10).slice(0, 4)],
      [handle.jobId, 1, 1, symbols(10).slice(4, 8)],
    ]);
    expect(batch1[0]).toMatchObject({ dataset: 'daily', ...RANGE, params: { threshold: 0.5, window: 20 }, outputDataset: 'momentum_out', final: false, parts: [] });
    expect((await handle.get()).progress).toMatchObject({ tasksRunning: 2, tasksQueued: 1 });

    const batch2 = await f.work.lease({ units: UNITS, maxTasks: 10 });
    expect(batch2.map((t) => [t.jobId, t.index])).toEqual([
      [handle.jobId, 2],
      [later.jobId, 0],
    ]);
    expect(await f.work.lease({ units: UNITS, maxTasks: 10 })).toEqual([]);

    const acks = await f.work.complete([...batch1, batch2[0]!].map((t) => okOutcome(t)));
    expect(acks.every((a) => a.accepted)).toBe(true);
    const done = await handle.get();
    expect(done.state).toBe('succeeded');
    expect(done.progress).toEqual({ tasksTotal: 3, tasksQueued: 0, tasksRunning: 0, tasksSucceeded: 3, tasksFailed: 0, tasksCancelled: 0, retries: 0 });
    expect(done.finishedMs).toBeGreaterThan(0);
    expect((await f.jobs.get(later.jobId)).state).toBe('running');

    const listed = await f.jobs.list({ states: ['succeeded'] });
    expect(listed.map((j) => [j.jobId, j.symbolCount, j.symbols])).toEqual([[handle.jobId, 10, []]]);
    expect((await f.jobs.list()).map((j) => j.jobId)).toEqual([later.jobId, handle.jobId]);
  });

  it("records the unit's output dataset in a job submitted without one, and hands it to every task", async () => {
    const handle = await f.jobs.submit(submission({ outputDataset: undefined, taskSize: 5 }));
    expect(handle.job.outputDataset).toBe(MOMENTUM.output.dataset);
    expect((await f.jobs.get(handle.jobId)).outputDataset).toBe(MOMENTUM.output.dataset);
    expect((await f.jobs.list()).map((j) => j.outputDataset)).toEqual([MOMENTUM.output.dataset]);
    const tasks = await f.work.lease({ units: UNITS, maxTasks: 10 });
    expect(tasks.map((t) => t.outputDataset)).toEqual([MOMENTUM.output.dataset, MOMENTUM.output.dataset]);
    // The final task too.
    const ranked = await f.jobs.submit(submission({ unit: 'ranker', params: {}, outputDataset: '', taskSize: 10 }));
    expect(ranked.job.outputDataset).toBe(RANKER.output.dataset);
    const [regular] = await f.work.lease({ units: UNITS, maxTasks: 10 });
    await f.work.complete([okOutcome(regular!)]);
    const [final] = await f.work.lease({ units: UNITS, maxTasks: 10 });
    expect(final).toMatchObject({ final: true, outputDataset: RANKER.output.dataset });
    // The same idempotency key without an output matches; naming the unit's dataset explicitly is another spec.
    const keyed = await f.jobs.submit(submission({ outputDataset: undefined, idempotencyKey: 'k' }));
    expect((await f.jobs.submit(submission({ outputDataset: undefined, idempotencyKey: 'k' }))).jobId).toBe(keyed.jobId);
    await expect(f.jobs.submit(submission({ outputDataset: MOMENTUM.output.dataset, idempotencyKey: 'k' }))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it("RegisterUnits requires each unit's output and answers it back", async () => {
    const answer = await f.work.registerUnits([MOMENTUM, RANKER]);
    expect(answer.units.map((u) => u.output)).toEqual([MOMENTUM.output, RANKER.output]);
    const bad: [unknown, string][] = [
      [undefined, 'declares no output'],
      [{ dataset: '', fields: ['x'], frequency: '1d' }, 'declares no output'],
      [{ dataset: 'Bad-Name', fields: ['x'], frequency: '1d' }, 'malformed dataset name'],
      [{ dataset: 'out', fields: [], frequency: '1d' }, 'fields is empty'],
      [{ dataset: 'out', fields: ['ts'], frequency: '1d' }, 'malformed field name'],
      [{ dataset: 'out', fields: ['x', 'x'], frequency: '1d' }, 'names a field twice'],
      [{ dataset: 'out', fields: ['x'], frequency: 'daily' }, 'malformed frequency'],
    ];
    for (const [output, message] of bad) {
      await expect(f.work.registerUnits([{ ...RANKER, output } as never]), JSON.stringify(output)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining(message),
      });
    }
    // Nothing of a refused registration was stored.
    expect((await f.jobs.submit(submission({ unit: 'ranker', params: {}, outputDataset: undefined }))).job.outputDataset).toBe('ranks');
  });

  it('answers a long poll as soon as a job is submitted', async () => {
    const started = Date.now();
    const leasing = f.work.lease({ units: UNITS, maxTasks: 5, waitMs: 10_000 });
    await new Promise((r) => setTimeout(r, 200));
    await f.jobs.submit(submission({ symbols: ['AAA'] }));
    const tasks = await leasing;
    expect(tasks.map((t) => t.symbols)).toEqual([['AAA']]);
    expect(Date.now() - started).toBeLessThan(2_000);
    const empty = Date.now();
    expect(await f.work.lease({ units: UNITS, maxTasks: 5, waitMs: 300 })).toEqual([]);
    expect(Date.now() - empty).toBeGreaterThanOrEqual(290);
  });

  it('answers the same job for the same idempotency key, and ALREADY_EXISTS for a different spec', async () => {
    const first = await f.jobs.submit(submission({ idempotencyKey: 'run-42' }));
    const again = await f.jobs.submit(submission({ idempotencyKey: 'run-42' }));
    expect(again.created).toBe(false);
    expect(again.jobId).toBe(first.jobId);
    expect((await again.get()).progress.tasksTotal).toBe(3);
    expect(await f.jobs.list()).toHaveLength(1);
    await expect(f.jobs.submit(submission({ idempotencyKey: 'run-42', taskSize: 5 }))).rejects.toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringContaining(first.jobId) });
  });

  it('rejects unknown units with NOT_FOUND and bad params, ranges, symbols and sizes with INVALID_ARGUMENT, before any task exists', async () => {
    await expect(f.jobs.submit(submission({ unit: 'nosuch' }))).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('unknown unit nosuch') });
    await expect(f.jobs.submit(submission({ unitVersion: '9.9.9' }))).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('momentum@9.9.9') });
    const invalid: [Record<string, unknown>, string][] = [
      [{ params: { threshold: 0.5, lookback: 3 } }, 'unknown param "lookback"'],
      [{ params: {} }, 'param "threshold" of unit momentum@1.0.0 is required'],
      [{ params: { threshold: 'high' } }, 'must be a finite number'],
      [{ params: { threshold: 1, window: 501 } }, 'must be <= 500'],
      [{ params: { threshold: 1, window: 2.5 } }, 'must be an integer'],
      [{ params: { threshold: 1, mode: 'sideways' } }, 'must be one of "long", "short"'],
      [{ startMs: RANGE.endMs, endMs: RANGE.startMs }, 'range is inverted'],
      [{ endMs: RANGE.startMs }, 'range is empty'],
      [{ symbols: [] }, 'symbols is empty'],
      [{ symbols: ['OK', 'bad symbol'] }, 'malformed symbol "bad symbol"'],
      [{ taskSize: 6_000 }, 'maxSymbolsPerRequest'],
      [{ dataset: 'Bad-Name' }, 'malformed dataset name'],
      [{ outputDataset: 'x y' }, 'malformed dataset name'],
      [{ maxAttempts: 1_000 }, 'maxAttemptsLimit'],
    ];
    for (const [extra, message] of invalid) {
      await expect(f.jobs.submit(submission(extra)), JSON.stringify(extra)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(message) });
    }
    await expect(f.jobs.submit(submission({ symbols: symbols(1_001) }))).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED', message: expect.stringContaining('maxSymbolsPerJob') });
    await expect(f.jobs.submit(submission({ taskSize: 0 }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await f.jobs.list()).toEqual([]);
    expect(await f.work.lease({ units: UNITS, maxTasks: 100 })).toEqual([]);
    await expect(f.jobs.get('job-missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(f.jobs.get('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('resolves a whole-dataset universe in the SDK before submit', async () => {
    const asked: string[] = [];
    const jobs = new JobsClient(f.address, {
      resolveUniverse: async (dataset) => {
        asked.push(dataset);
        return ['AAA', 'BBB', 'AAA', 'CCC'];
      },
    });
    try {
      const handle = await jobs.submit(submission({ symbols: 'all', taskSize: 2 }));
      expect(asked).toEqual(['daily']);
      expect(handle.job).toMatchObject({ symbols: ['AAA', 'BBB', 'CCC'], symbolCount: 3, progress: { tasksTotal: 2 } });
      await expect(f.jobs.submit(submission({ symbols: 'all' }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('resolveUniverse') });
    } finally {
      jobs.close();
    }
  });

  it('validates worker calls with INVALID_ARGUMENT and clear messages', async () => {
    await expect(f.work.registerUnits([{ ...MOMENTUM, paramsSchema: { w: { type: 'float' } } as never }])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('params schema of unit'),
    });
    await expect(f.work.registerUnits([{ ...RANKER, version: '' }])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('malformed version') });
    await expect(f.work.lease({ units: UNITS, maxTasks: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('max_tasks') });
    await expect(f.work.lease({ units: [], maxTasks: 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('units is empty') });
    await expect(f.work.lease({ units: UNITS, maxTasks: 1, leaseMs: 10 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('lease_ms 10') });
    await expect(f.work.lease({ units: UNITS, maxTasks: 1, waitMs: 61_000 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('maxWaitMs') });
    await expect(f.work.heartbeat([])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(f.work.complete([{ taskId: 'job-x/0', attempt: 0, ok: true }])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('attempt') });
    const bad = f.worker('bad worker id');
    await expect(bad.lease({ units: UNITS, maxTasks: 1 })).rejects.toBeInstanceOf(FlorinError);
    await expect(bad.lease({ units: UNITS, maxTasks: 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('worker_id') });
  });
});
