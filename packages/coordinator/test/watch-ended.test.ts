import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobEvent, JobHandle } from '@florin/client';
import { RANGE, UNITS, okOutcome, startCoordinator, type CoordinatorFixture } from '@florin/test-support';

/** Watches `handle` until its stream ends; resolves once the first (snapshot) event has arrived. */
async function watchFromSnapshot(handle: JobHandle): Promise<{ events: JobEvent[]; watching: Promise<void> }> {
  const events: JobEvent[] = [];
  let first!: () => void;
  const snapshot = new Promise<void>((resolve) => (first = resolve));
  const watching = (async () => {
    for await (const event of handle.watch()) {
      events.push(event);
      first();
    }
  })();
  await snapshot;
  return { events, watching };
}

describe('watch: the change that ends a job', () => {
  let f: CoordinatorFixture;
  beforeEach(async () => {
    // A coalescing window far longer than the test waits: only the terminal change may skip it.
    f = await startCoordinator({ watchCoalesceMs: 30_000, watchPollMs: 60_000 });
  });
  afterEach(async () => {
    await f.close();
  });

  it('reaches the watcher at once, not after the coalescing window; other changes still coalesce', { timeout: 60_000 }, async () => {
    const handle = await f.jobs.submit({ unit: 'momentum', dataset: 'daily', symbols: ['AAA'], ...RANGE, taskSize: 1, params: { threshold: 1 } });
    const { events, watching } = await watchFromSnapshot(handle);
    const [task] = await f.work.lease({ units: UNITS, maxTasks: 1 });
    const completedAt = performance.now();
    expect(await f.work.complete([okOutcome(task!)])).toEqual([{ taskId: task!.taskId, attempt: 1, accepted: true }]);
    await watching;
    const waitedMs = performance.now() - completedAt;
    expect(waitedMs).toBeLessThan(15_000);
    // The lease (running) was still coalescing when the job ended: the terminal read replaced it.
    expect(events.map((e) => [e.initial, e.terminal, e.job.state])).toEqual([
      [true, false, 'queued'],
      [false, true, 'succeeded'],
    ]);
    expect(events[1]!.job.progress).toMatchObject({ tasksTotal: 1, tasksSucceeded: 1 });
  });

  it('a cancel ends the watch at once too', { timeout: 60_000 }, async () => {
    const handle = await f.jobs.submit({ unit: 'momentum', dataset: 'daily', symbols: ['AAA', 'BBB'], ...RANGE, taskSize: 1, params: { threshold: 1 } });
    const { events, watching } = await watchFromSnapshot(handle);
    const cancelledAt = performance.now();
    expect((await handle.cancel()).state).toBe('cancelled');
    await watching;
    expect(performance.now() - cancelledAt).toBeLessThan(15_000);
    expect(events.map((e) => [e.terminal, e.job.state])).toEqual([
      [false, 'queued'],
      [true, 'cancelled'],
    ]);
  });
});
