import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentTaskError, defineUnit, type QcuWorker } from '@florin/qcu';
import { momentumUnit } from '@florin/examples';
import { startQcuCluster as startCluster, type QcuCluster } from '@florin/test-support';
import { universe, utc } from '@florin/test-support';

const output = { dataset: 'failure_out', fields: ['value'], frequency: '1d' };
const attempts: number[] = [];

const flaky = defineUnit({
  name: 'flaky',
  version: '1',
  params: {},
  output,
  run(_ctx, task) {
    attempts.push(task.attempt);
    throw new Error(`boom on attempt ${task.attempt}`);
  },
});

const recovers = defineUnit({
  name: 'recovers',
  version: '1',
  params: {},
  output,
  run(_ctx, task) {
    if (task.attempt === 1) throw new Error('transient trouble');
    return { attempt: task.attempt };
  },
});

const broken = defineUnit({
  name: 'broken',
  version: '1',
  params: {},
  output,
  run() {
    throw new PermanentTaskError('the input can never work');
  },
});

let cluster: QcuCluster;
let worker: QcuWorker;
const range = { startMs: utc(2015), endMs: utc(2016) };

beforeAll(async () => {
  cluster = await startCluster({ coordinator: { retryBaseMs: 20, retryMaxMs: 100 } });
  await cluster.seed({ name: 'prices', fields: ['close'], frequency: '1d' }, universe(3, utc(2013), utc(2016), 3));
  worker = await cluster.worker({ units: [flaky, recovers, broken, momentumUnit], concurrency: 2, leaseMs: 3_000 });
});
afterAll(() => cluster?.close());

describe('unit errors', () => {
  it('a unit that throws is retried, then the job fails with its message and stack', async () => {
    const handle = await cluster.jobs.submit({ unit: 'flaky', dataset: 'prices', symbols: ['S000'], ...range, maxAttempts: 3 });
    const job = await handle.wait();
    expect(job.state).toBe('failed');
    expect(job.error).toBe('boom on attempt 3');
    expect(job.errorStack).toMatch(/^Error: boom on attempt 3\n\s+at .*task-failures\.test\.ts/);
    expect(job.progress.retries).toBe(2);
    expect(attempts).toEqual([1, 2, 3]);
    expect(worker.stats().failed).toBeGreaterThanOrEqual(3);
  });

  it('a retry that succeeds completes the job', async () => {
    const job = await (await cluster.jobs.submit({ unit: 'recovers', dataset: 'prices', symbols: ['S001'], ...range })).wait();
    expect(job.state).toBe('succeeded');
    expect(job.progress.retries).toBe(1);
  });

  it('a permanent error fails the job at once', async () => {
    const job = await (await cluster.jobs.submit({ unit: 'broken', dataset: 'prices', symbols: ['S001'], ...range, maxAttempts: 5 })).wait();
    expect(job.state).toBe('failed');
    expect(job.error).toBe('the input can never work');
    expect(job.progress.retries).toBe(0);
  });

  it('params the schema cannot check (skip >= lookback) fail the job at once with INVALID_ARGUMENT', async () => {
    const job = await (
      await cluster.jobs.submit({ unit: 'momentum', dataset: 'prices', symbols: ['S000', 'S002'], ...range, params: { lookback: 20, skip: 20 } })
    ).wait();
    expect(job.state).toBe('failed');
    expect(job.error).toBe('INVALID_ARGUMENT: skip (20) must be less than lookback (20)');
    expect(job.progress.retries).toBe(0);
  });

  it('a missing input dataset fails the job with the head node\'s NOT_FOUND message', async () => {
    const job = await (await cluster.jobs.submit({ unit: 'momentum', dataset: 'no_such_prices', symbols: ['S000'], ...range })).wait();
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/^NOT_FOUND: .*no_such_prices/);
    expect(job.progress.retries).toBe(0);
  });
});
