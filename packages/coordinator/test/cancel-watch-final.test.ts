import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobEvent } from '@florin/client';
import type { LeasedTask as Task, WorkClient } from '@florin/qcu';
import { RANGE, UNITS, okOutcome, startCoordinator, symbols, type CoordinatorFixture } from '@florin/test-support';

const job = (unit: string, syms: string[], taskSize = 1) => ({
  unit,
  dataset: 'daily',
  symbols: syms,
  ...RANGE,
  taskSize,
  params: unit === 'momentum' ? { threshold: 1 } : {},
});

/** What a QCU does with a running task: heartbeat, and abort it through an AbortSignal when the lease is lost. */
function runWithHeartbeats(work: WorkClient, task: Task, intervalMs: number): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController();
  const timer = setInterval(() => {
    void work.heartbeat([task]).then((hb) => {
      const lost = hb.lost.find((l) => l.taskId === task.taskId);
      if (lost) controller.abort(lost.reason);
    });
  }, intervalMs);
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}

describe('coordinator over gRPC: cancel, watch, final step', () => {
  let f: CoordinatorFixture;
  beforeEach(async () => {
    f = await startCoordinator({ watchCoalesceMs: 20, watchPollMs: 200 });
  });
  afterEach(async () => {
    await f.close();
  });

  it('cancels a running job: the QCU learns it from Heartbeat and aborts; completions and leases are refused', async () => {
    const handle = await f.jobs.submit(job('momentum', symbols(5)));
    const [t0, t1] = await f.work.lease({ units: UNITS, maxTasks: 2 });
    const running = runWithHeartbeats(f.work, t0!, 30);
    const aborted = new Promise<unknown>((resolve) => running.signal.addEventListener('abort', () => resolve(running.signal.reason)));
    const cancelled = await handle.cancel();
    expect(cancelled).toMatchObject({ state: 'cancelled', progress: { tasksTotal: 5, tasksCancelled: 5 } });
    expect(await aborted).toBe('job_cancelled');
    running.stop();
    expect(await f.work.complete([okOutcome(t1!)])).toEqual([{ taskId: t1!.taskId, attempt: 1, accepted: false, reason: 'job_cancelled' }]);
    expect(await f.work.lease({ units: UNITS, maxTasks: 10 })).toEqual([]);
    expect((await handle.cancel()).state).toBe('cancelled');
    await expect(handle.result()).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(f.jobs.cancel('job-nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const finished = await f.jobs.submit(job('momentum', ['AAA']));
    const [only] = await f.work.lease({ units: UNITS, maxTasks: 1 });
    await f.work.complete([okOutcome(only!)]);
    await expect(finished.cancel()).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringContaining('already succeeded') });
  });

  it('streams progress from a snapshot to the terminal event', async () => {
    const handle = await f.jobs.submit(job('momentum', symbols(4)));
    const events: JobEvent[] = [];
    const watching = (async () => {
      for await (const event of handle.watch()) events.push(event);
    })();
    await new Promise((r) => setTimeout(r, 100));
    const tasks = await f.work.lease({ units: UNITS, maxTasks: 4 });
    for (const t of tasks) {
      await new Promise((r) => setTimeout(r, 80));
      await f.work.complete([okOutcome(t)]);
    }
    await watching;
    expect(events[0]).toMatchObject({ initial: true, terminal: false, job: { state: 'queued', progress: { tasksQueued: 4 } } });
    const last = events[events.length - 1]!;
    expect(last).toMatchObject({ initial: false, terminal: true, job: { state: 'succeeded', progress: { tasksTotal: 4, tasksSucceeded: 4 } } });
    expect(events.filter((e) => e.terminal)).toHaveLength(1);
    const succeeded = events.map((e) => e.job.progress.tasksSucceeded);
    expect(succeeded).toEqual([...succeeded].sort((a, b) => a - b));
    // Every completion (80 ms apart, coalescing 20 ms) is seen: 0, (running), 1, 2, 3, 4.
    expect(new Set(succeeded)).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(events.some((e) => e.job.state === 'running' && e.job.progress.tasksRunning === 4)).toBe(true);
    // Only the snapshot carries the universe on the wire; the SDK gives every event the job's universe.
    for (const e of events) expect(e.job.symbols).toEqual(symbols(4));
    const stored = await f.running.store.getJob(handle.jobId, { omitSymbols: true });
    expect(stored).toMatchObject({ symbolCount: 4, spec: { symbols: [] } });
    // A watch of a finished job is its terminal snapshot.
    const again: JobEvent[] = [];
    for await (const e of f.jobs.watch(handle.jobId)) again.push(e);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ initial: true, terminal: true });
    expect((await handle.wait()).state).toBe('succeeded');
    const missing = f.jobs.watch('job-missing');
    await expect(missing.next()).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('runs the final task exactly once, after all regular tasks, and makes its result the job result', async () => {
    const handle = await f.jobs.submit(job('ranker', symbols(5), 2));
    expect(handle.job).toMatchObject({ hasFinal: true, progress: { tasksTotal: 3 } });
    const regular = await f.work.lease({ units: UNITS, maxTasks: 10 });
    expect(regular.map((t) => [t.index, t.final])).toEqual([
      [0, false],
      [1, false],
      [2, false],
    ]);
    await f.work.complete(regular.slice(0, 2).map((t) => okOutcome(t, { best: t.symbols[0] })));
    expect(await f.work.lease({ units: UNITS, maxTasks: 10 })).toEqual([]);
    const qcu2 = f.worker('qcu-2');
    const waiting = qcu2.lease({ units: UNITS, maxTasks: 10, waitMs: 5_000 });
    await f.work.complete([okOutcome(regular[2]!, { best: regular[2]!.symbols[0] })]);
    const [final] = await waiting;
    expect(final).toMatchObject({ index: 3, final: true, attempt: 1, symbols: symbols(5) });
    expect(final!.parts).toEqual([
      { index: 0, result: { best: 'S000' } },
      { index: 1, result: { best: 'S002' } },
      { index: 2, result: { best: 'S004' } },
    ]);
    expect(await f.work.lease({ units: UNITS, maxTasks: 10 })).toEqual([]);
    const ranking = { ranking: ['S004', 'S002', 'S000'] };
    // Only the worker holding the final task's lease may complete it.
    expect((await f.work.complete([okOutcome(final!, { forged: true })]))[0]).toMatchObject({ accepted: false, reason: 'lease_lost' });
    expect((await qcu2.complete([okOutcome(final!, ranking)]))[0]?.accepted).toBe(true);
    expect(await handle.result()).toEqual(ranking);
    expect(await handle.get()).toMatchObject({ state: 'succeeded', progress: { tasksTotal: 4, tasksSucceeded: 4 } });
    expect(await f.work.lease({ units: UNITS, maxTasks: 10 })).toEqual([]);
  });
});
