import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobEvent } from '@florin/client';
import { RANGE, UNITS, okOutcome, startCoordinator, symbols, type CoordinatorFixture } from '@florin/test-support';

const job = (syms: string[]) => ({ unit: 'momentum', dataset: 'daily', symbols: syms, ...RANGE, taskSize: 1, params: { threshold: 1 }, maxAttempts: 2 });

describe('coordinator over gRPC: unit progress on heartbeats, task logs with outcomes', () => {
  let f: CoordinatorFixture;
  beforeEach(async () => {
    f = await startCoordinator({ watchCoalesceMs: 20, watchPollMs: 200, maxLogLines: 3, maxLogLineChars: 10, retryBaseMs: 100 });
  });
  afterEach(async () => {
    await f.close();
  });

  it('carries ctx.progress from Heartbeat into watch events (tasks and the job fraction)', async () => {
    const handle = await f.jobs.submit(job(symbols(4)));
    const [t0, t1] = await f.work.lease({ units: UNITS, maxTasks: 2 });
    const events: JobEvent[] = [];
    const watching = (async () => {
      for await (const event of handle.watch()) events.push(event);
    })();
    await f.work.heartbeat([{ taskId: t0!.taskId, attempt: 1, progress: 0.5, progressMessage: 'half way' }, { taskId: t1!.taskId, attempt: 1 }]);
    const reported = async (pred: (e: JobEvent) => boolean): Promise<JobEvent> => {
      for (let i = 0; i < 100; i++) {
        const e = events.find(pred);
        if (e) return e;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no such event in ${JSON.stringify(events.map((e) => [e.tasks, e.progress]))}`);
    };
    const half = await reported((e) => e.tasks.length === 1);
    expect(half.tasks).toEqual([{ index: 0, fraction: 0.5, message: 'half way' }]);
    expect(half.progress).toBe(0.5 / 4);
    // A message alone keeps fraction 0; task 0 finishing drops its entry and counts whole.
    await f.work.heartbeat([{ taskId: t1!.taskId, attempt: 1, progressMessage: 'loading' }]);
    await f.work.complete([okOutcome(t0!)]);
    const next = await reported((e) => e.job.progress.tasksSucceeded === 1 && e.tasks.length === 1);
    expect(next.tasks).toEqual([{ index: 1, fraction: 0, message: 'loading' }]);
    expect(next.progress).toBe(1 / 4);
    // Out of range: INVALID_ARGUMENT naming the task.
    await expect(f.work.heartbeat([{ taskId: t1!.taskId, attempt: 1, progress: 1.5 }])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(`${t1!.taskId}: progress 1.5 is outside [0, 1]`) });
    await handle.cancel();
    await watching;
    expect(events.at(-1)).toMatchObject({ terminal: true, tasks: [] });
  });

  it('keeps the last lines of each outcome (bounded), answers them per task, and puts the failed task log in the job', async () => {
    const handle = await f.jobs.submit(job(symbols(2)));
    const [t0, t1] = await f.work.lease({ units: UNITS, maxTasks: 2 });
    const lines = (...messages: string[]) => messages.map((message, i) => ({ timeMs: 1_000 + i, message }));
    await f.work.complete([{ ...okOutcome(t0!), log: lines('one', 'two', 'three', 'four') }]);
    // A retryable failure keeps its lines; the next attempt's outcome replaces them.
    await f.work.complete([{ taskId: t1!.taskId, attempt: 1, ok: false, error: 'flaky', retryable: true, log: lines('attempt one failed') }]);
    expect(await handle.logs()).toEqual([
      { index: 0, final: false, attempt: 1, state: 'succeeded', lines: [{ timeMs: 1_001, message: 'two' }, { timeMs: 1_002, message: 'three' }, { timeMs: 1_003, message: 'four' }] },
      { index: 1, final: false, attempt: 1, state: 'queued', lines: [{ timeMs: 1_000, message: 'attempt o…' }] },
    ]);
    await new Promise((r) => setTimeout(r, 150)); // the retry's backoff (retryBaseMs 100 ms)
    const [again] = await f.work.lease({ units: UNITS, maxTasks: 1 });
    expect(again).toMatchObject({ taskId: t1!.taskId, attempt: 2 });
    await f.work.complete([{ taskId: t1!.taskId, attempt: 2, ok: false, error: 'broken', retryable: false, log: lines('bad input') }]);
    const failed = await handle.get();
    expect(failed).toMatchObject({ state: 'failed', failedTaskIndex: 1, failureLog: [{ timeMs: 1_000, message: 'bad input' }] });
    await expect(handle.result()).rejects.toThrow(/failed \(task 1\): broken\nlast log lines of the failed task:\n {2}\| bad input$/);
    expect((await handle.logs())[1]).toEqual({ index: 1, final: false, attempt: 2, state: 'failed', lines: [{ timeMs: 1_000, message: 'bad input' }] });
    await expect(f.jobs.logs('job-nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(f.jobs.logs('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
