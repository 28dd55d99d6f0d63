import { afterEach, describe, expect, it } from 'vitest';
import { RANGE, UNITS, okOutcome, startCoordinator, type CoordinatorFixture } from '@florin/test-support';

const job = (symbols: string[], extra: Record<string, unknown> = {}) => ({
  unit: 'momentum',
  dataset: 'daily',
  symbols,
  ...RANGE,
  taskSize: 1,
  params: { threshold: 1 },
  ...extra,
});

describe('coordinator over gRPC: leases and retries', () => {
  let f: CoordinatorFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('requeues an expired lease, not before it expires, to a waiting long poll, and refuses the old attempt', async () => {
    f = await startCoordinator({ sweepIntervalMs: 50 });
    const handle = await f.jobs.submit(job(['AAA']));
    // Timed from before the lease is asked for: the coordinator (in this process, same clock) starts the
    // lease's 400 ms after this instant, however long the answer then takes to come back on a loaded machine.
    const askedAt = Date.now();
    const [first] = await f.work.lease({ units: UNITS, maxTasks: 1, leaseMs: 400 });
    expect(first?.attempt).toBe(1);
    const other = f.worker('qcu-2');
    // The second worker long-polls: the sweep's requeue wakes it with the task (an empty answer would mean the
    // poll ran out first). Only the lower bound is timed: a loaded machine can only make the wait longer.
    const [second] = await other.lease({ units: UNITS, maxTasks: 1, leaseMs: 5_000, waitMs: 20_000 });
    const waited = Date.now() - askedAt;
    expect(second).toMatchObject({ taskId: first!.taskId, attempt: 2 });
    expect(waited).toBeGreaterThanOrEqual(400);
    expect((await f.work.complete([okOutcome(first!)]))[0]).toMatchObject({ accepted: false, reason: 'lease_lost' });
    expect((await f.work.heartbeat([first!])).lost).toEqual([{ taskId: first!.taskId, attempt: 1, reason: 'lease_lost' }]);
    expect((await other.complete([okOutcome(second!, { by: 'qcu-2' })]))[0]?.accepted).toBe(true);
    expect(await handle.get()).toMatchObject({ state: 'succeeded', progress: { tasksSucceeded: 1, retries: 1 } });
  });

  it('keeps a lease alive past its length while the worker heartbeats', async () => {
    f = await startCoordinator({ sweepIntervalMs: 50 });
    const handle = await f.jobs.submit(job(['AAA']));
    // A lease of 1.5 s: long enough that one heartbeat's round trip on a loaded 2-core machine fits in it
    // many times over, short enough that the test outlives it three times in under five seconds.
    const LEASE_MS = 1_500;
    const [task] = await f.work.lease({ units: UNITS, maxTasks: 1, leaseMs: LEASE_MS });
    // Heartbeats back to back (each right after the last answer, as a loaded worker would manage) until the
    // lease has lived three of its lengths: every one extends it, and no other worker can lease the task.
    const leasedAt = Date.now();
    let beats = 0;
    while (Date.now() - leasedAt < 3 * LEASE_MS || beats < 3) {
      const hb = await f.work.heartbeat([task!], { leaseMs: LEASE_MS });
      expect(hb.extended.map((e) => e.taskId)).toEqual([task!.taskId]);
      beats++;
    }
    expect(await f.worker('qcu-2').lease({ units: UNITS, maxTasks: 1 })).toEqual([]);
    expect((await f.work.complete([okOutcome(task!)]))[0]?.accepted).toBe(true);
    expect((await handle.get()).progress).toMatchObject({ tasksSucceeded: 1, retries: 0 });
  });

  it('retries a failing task with exponential backoff, then fails the job with the unit message and stack', async () => {
    f = await startCoordinator({ retryBaseMs: 150, retryMaxMs: 1_000 });
    const handle = await f.jobs.submit(job(['AAA', 'BBB'], { maxAttempts: 3 }));
    const [t0, t1] = await f.work.lease({ units: UNITS, maxTasks: 2 });
    await f.work.complete([okOutcome(t1!)]);
    const attempts: { attempt: number; at: number }[] = [];
    let task = t0!;
    for (;;) {
      attempts.push({ attempt: task.attempt, at: Date.now() });
      const stack = `Error: division by zero in attempt ${task.attempt}\n    at momentum (units/momentum.ts:42:7)`;
      const [ack] = await f.work.complete([{ taskId: task.taskId, attempt: task.attempt, ok: false, error: `division by zero in attempt ${task.attempt}`, stack }]);
      expect(ack?.accepted).toBe(true);
      if (task.attempt === 3) break;
      const [next] = await f.work.lease({ units: UNITS, maxTasks: 1, waitMs: 5_000 });
      expect(next).toMatchObject({ taskId: t0!.taskId, attempt: task.attempt + 1 });
      task = next!;
    }
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    const gap1 = attempts[1]!.at - attempts[0]!.at;
    const gap2 = attempts[2]!.at - attempts[1]!.at;
    // Backoff doubles from retryBaseMs (lower bounds only: a loaded machine can only make the gaps longer;
    // each retry came back through the long poll above, so none waited out its 5 s).
    expect(gap1).toBeGreaterThanOrEqual(140);
    expect(gap2).toBeGreaterThanOrEqual(290);
    const failed = await handle.get();
    expect(failed).toMatchObject({
      state: 'failed',
      error: 'division by zero in attempt 3',
      errorStack: 'Error: division by zero in attempt 3\n    at momentum (units/momentum.ts:42:7)',
      failedTaskIndex: 0,
      progress: { tasksTotal: 2, tasksSucceeded: 1, tasksFailed: 1, retries: 2 },
    });
    await expect(handle.result()).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: `job ${handle.jobId} failed (task 0): division by zero in attempt 3` });
    expect(await f.work.lease({ units: UNITS, maxTasks: 5 })).toEqual([]);
  });

  it('fails the job at once on a non-retryable error', async () => {
    f = await startCoordinator();
    const handle = await f.jobs.submit(job(['AAA', 'BBB', 'CCC']));
    const [t0, t1] = await f.work.lease({ units: UNITS, maxTasks: 2 });
    await f.work.complete([{ taskId: t0!.taskId, attempt: 1, ok: false, error: 'no data for AAA', retryable: false }]);
    expect(await handle.get()).toMatchObject({ state: 'failed', error: 'no data for AAA', progress: { tasksFailed: 1, tasksCancelled: 2 } });
    expect((await f.work.heartbeat([t1!])).lost).toEqual([{ taskId: t1!.taskId, attempt: 1, reason: 'job_failed' }]);
  });
});
