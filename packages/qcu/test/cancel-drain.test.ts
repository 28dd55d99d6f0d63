import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineKernel, defineUnit } from '@florin/qcu';
import { startQcuCluster as startCluster, until, type QcuCluster } from '@florin/test-support';
import { universe, utc } from '@florin/test-support';

/** Burns CPU on a kernel thread for params.ms: only terminating the thread stops it. */
const burn = defineKernel<{ ms: number }>('burn', (_inputs, params) => {
  const end = Date.now() + params.ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return [Float64Array.of(x)];
});

const output = { dataset: 'lifecycle_out', fields: ['value'], frequency: '1d' };
const started = new Map<string, number>();
/** Why each task's signal aborted: the cancel must arrive as the coordinator's answer, not a timeout. */
const aborted = new Map<string, string>();

/** Task 0 burns CPU in a kernel; the others wait cooperatively on ctx.signal. Both must stop on cancel. */
const endless = defineUnit({
  name: 'endless',
  version: '1',
  params: {},
  output,
  async run(ctx, task) {
    started.set(task.taskId, Date.now());
    ctx.signal.addEventListener('abort', () => aborted.set(task.taskId, (ctx.signal.reason as Error).message), { once: true });
    if (task.index === 0) await ctx.compute(burn, [], { ms: 60_000 });
    else await new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true }));
  },
});

/** Finishes when `release` is called for its attempt (or after `holdMs`), publishing one row. */
const releases = new Map<number, () => void>();
const gated = defineUnit({
  name: 'gated',
  version: '1',
  params: { holdMs: { type: 'integer', default: 60_000 } },
  output,
  async run(ctx, task) {
    started.set(`${task.taskId}#${task.attempt}`, Date.now());
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, ctx.params.holdMs);
      releases.set(task.attempt, resolve);
      ctx.signal.addEventListener('abort', () => (clearTimeout(timer), aborted.set(`${task.taskId}#${task.attempt}`, (ctx.signal.reason as Error).message), reject(ctx.signal.reason as Error)), { once: true });
    });
    await ctx.publish(ctx.output.dataset, task.symbols[0]!, { fields: ['value'], timestamps: Float64Array.of(task.range.start), columns: [Float64Array.of(task.attempt)] });
    return { attempt: task.attempt };
  },
});

let cluster: QcuCluster;
const range = { startMs: utc(2015), endMs: utc(2016) };

beforeAll(async () => {
  cluster = await startCluster({ coordinator: { sweepIntervalMs: 50 } });
  await cluster.seed({ name: 'prices', fields: ['close'], frequency: '1d' }, universe(3, utc(2014), utc(2016), 4));
});
afterAll(() => cluster?.close());

describe('cancellation', () => {
  it('cancelling a job aborts its running tasks (CPU-bound kernel included) on the next heartbeat', async () => {
    const leaseMs = 900; // heartbeats every 300 ms
    const worker = await cluster.worker({ units: [endless], concurrency: 3, leaseMs });
    const handle = await cluster.jobs.submit({ unit: 'endless', dataset: 'prices', symbols: ['S000', 'S001', 'S002'], ...range, taskSize: 1 });
    await until(() => started.size === 3, 10_000, 'three tasks running');
    expect(aborted.size).toBe(0);
    expect((await handle.cancel()).state).toBe('cancelled');
    await until(() => aborted.size === 3, 10_000, 'three tasks aborted');
    // Each abort is the heartbeat's answer naming the job cancelled (not a lost or expired lease).
    expect([...aborted.values()]).toEqual(['the job was cancelled', 'the job was cancelled', 'the job was cancelled']);
    await until(() => worker.stats().running === 0, 2_000, 'slots freed');
    expect(worker.stats()).toMatchObject({ running: 0, leases: 0, aborted: 3, failed: 0 });
    expect((await handle.get()).progress).toMatchObject({ tasksCancelled: 3, tasksFailed: 0 });
    await worker.close();
    expect(worker.state).toBe('stopped');
  });
});

describe('drain', () => {
  it('hands back a task that cannot finish by the deadline; another worker runs it without using up an attempt', async () => {
    const first = await cluster.worker({ units: [gated], leaseMs: 3_000 });
    // maxAttempts 1: had the hand-back been reported as a (retryable) failure, the job would fail here.
    const handle = await cluster.jobs.submit({ unit: 'gated', dataset: 'prices', symbols: ['S000'], ...range, maxAttempts: 1 });
    await until(() => releases.has(1), 10_000, 'attempt 1 running');
    await first.drain(600);
    // Handed back by the drain (the task holds for 60 s and was never released), not finished.
    expect(releases.size).toBe(1);
    expect([...aborted.entries()].filter(([key]) => key.endsWith('#1')).map(([, why]) => why)).toEqual(['worker draining: task handed back']);
    expect(first.state).toBe('stopped');
    expect(first.stats()).toMatchObject({ aborted: 1, succeeded: 0, failed: 0 });

    const second = await cluster.worker({ units: [gated], leaseMs: 3_000 });
    try {
      await until(() => releases.has(2), 5_000, 'attempt 2 running on the second worker');
      releases.get(2)!();
      const job = await handle.wait();
      expect(job.state).toBe('succeeded');
      // The one requeue is the handed-back lease (the coordinator counts lease expiries as retries).
      expect(job.progress.retries).toBe(1);
      const [frame] = await cluster.data.read({ dataset: 'lifecycle_out', symbols: ['S000'], range: { start: range.startMs, end: range.endMs } });
      expect([...frame!.columns[0]!]).toEqual([2]);
    } finally {
      await second.close();
    }
  });

  it('lets running tasks finish within the deadline and delivers their outcomes before stopping', async () => {
    releases.clear();
    const worker = await cluster.worker({ units: [gated], leaseMs: 3_000 });
    const handle = await cluster.jobs.submit({ unit: 'gated', dataset: 'prices', symbols: ['S001'], ...range, params: { holdMs: 300 } });
    await until(() => releases.has(1), 10_000, 'task running');
    await worker.drain(10_000);
    expect(worker.stats()).toMatchObject({ state: 'stopped', succeeded: 1, aborted: 0 });
    // The outcome was delivered before drain resolved.
    expect((await handle.get()).state).toBe('succeeded');
    // drain and close are idempotent.
    await Promise.all([worker.drain(), worker.close()]);
  });
});

describe('prefetch', () => {
  it('holds up to `prefetch` leased tasks beyond its slots, and a drain hands the unstarted ones back at once', async () => {
    const gates = new Map<string, () => void>();
    const waiter = defineUnit({
      name: 'prefetched',
      version: '1',
      params: {},
      output,
      async run(ctx, task) {
        await new Promise<void>((resolve, reject) => {
          gates.set(`${task.taskId}#${task.attempt}`, resolve);
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true });
        });
        return { index: task.index };
      },
    });
    const first = await cluster.worker({ units: [waiter], concurrency: 1, prefetch: 2, leaseMs: 3_000 });
    // maxAttempts 1: a handed-back task must not count as a failed attempt.
    const handle = await cluster.jobs.submit({ unit: 'prefetched', dataset: 'prices', symbols: ['S000', 'S001', 'S002'], ...range, taskSize: 1, maxAttempts: 1 });
    await until(() => first.stats().leases === 3 && gates.size === 1, 10_000, 'three tasks leased by the first worker, one running');
    expect(first.stats()).toMatchObject({ running: 1, waiting: 2, leased: 3 });
    const draining = first.drain(30_000);
    // The first worker's running task is still blocked; the two it never started run elsewhere meanwhile.
    const second = await cluster.worker({ units: [waiter], concurrency: 2, prefetch: 0, leaseMs: 3_000 });
    try {
      await until(() => gates.size === 3, 5_000, 'the handed-back tasks running on the second worker');
      expect(first.state).toBe('draining');
      for (const release of gates.values()) release();
      await draining;
      const job = await handle.wait();
      expect(job.state).toBe('succeeded');
      expect(job.progress).toMatchObject({ tasksSucceeded: 3, tasksFailed: 0 });
      expect(first.stats()).toMatchObject({ state: 'stopped', succeeded: 1, aborted: 2, waiting: 0 });
      expect(second.stats()).toMatchObject({ succeeded: 2 });
    } finally {
      await second.close();
    }
  });
});

describe('auto prefetch', () => {
  it('grows for short tasks and stays 0 for tasks much longer than a round trip', async () => {
    const pace = defineUnit({
      name: 'paced',
      version: '1',
      params: { sleepMs: { type: 'integer', default: 0 } },
      output,
      async run(ctx) {
        if (ctx.params.sleepMs > 0) await new Promise((r) => setTimeout(r, ctx.params.sleepMs));
        return null;
      },
    });
    const worker = await cluster.worker({ units: [pace], concurrency: 2 });
    expect(worker.stats().prefetch).toBe(0);
    const symbols = Array.from({ length: 300 }, (_, i) => `P${i}`);
    const quick = await cluster.jobs.submit({ unit: 'paced', dataset: 'prices', symbols, ...range, taskSize: 1 });
    expect((await quick.wait()).state).toBe('succeeded');
    expect(worker.stats().prefetch).toBeGreaterThanOrEqual(8);
    const slow = await cluster.jobs.submit({ unit: 'paced', dataset: 'prices', symbols: symbols.slice(0, 40), ...range, taskSize: 1, params: { sleepMs: 200 } });
    expect((await slow.wait()).state).toBe('succeeded');
    expect(worker.stats().prefetch).toBe(0);
    await worker.close();
  }, 30_000);
});
