import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlorinError } from '@florin/core';
import { RANGE, UNITS, okOutcome, startCoordinator, symbols, type CoordinatorFixture } from '@florin/test-support';

const MOMENTUM_ONLY = [UNITS[0]!];

describe('LeaseTasks carrying outcomes, and long polls woken by count', () => {
  let f: CoordinatorFixture;
  beforeEach(async () => {
    f = await startCoordinator({ maxSymbolsPerJob: 1_000 });
  });
  afterEach(async () => {
    await f.close();
  });

  const submit = (n: number, taskSize = 1) => f.jobs.submit({ unit: 'momentum', dataset: 'daily', symbols: symbols(n), ...RANGE, taskSize, params: { threshold: 0.5 } });

  it('records the outcomes a lease carries before leasing, acks them in order, and does not long-poll', async () => {
    const job = await submit(3);
    const first = await f.work.lease({ units: UNITS, maxTasks: 2 });
    expect(first.map((t) => t.index)).toEqual([0, 1]);
    // Task 0 succeeded, task 1 failed for good, plus a stale attempt and an unknown task.
    const outcomes = [
      okOutcome(first[0]!),
      { taskId: first[1]!.taskId, attempt: first[1]!.attempt, ok: false as const, error: 'bad data', retryable: false },
      { ...okOutcome(first[0]!), attempt: 7 },
      { taskId: 'job-nope/0', attempt: 1, ok: true as const, result: null },
    ];
    const { tasks, acks } = await f.work.leaseCarrying({ units: UNITS, maxTasks: 5 }, outcomes);
    expect(acks).toEqual([
      { taskId: first[0]!.taskId, attempt: 1, accepted: true },
      { taskId: first[1]!.taskId, attempt: 1, accepted: true },
      { taskId: first[0]!.taskId, attempt: 7, accepted: false, reason: 'lease_lost' },
      { taskId: 'job-nope/0', attempt: 1, accepted: false, reason: 'unknown_task' },
    ]);
    // The permanent failure failed the job before the lease: task 2 was cancelled, nothing to lease.
    expect(tasks).toEqual([]);
    const after = await job.get();
    expect(after.state).toBe('failed');
    expect(after.progress).toMatchObject({ tasksSucceeded: 1, tasksFailed: 1, tasksCancelled: 1, tasksQueued: 0 });

    // With outcomes the call answers at once even with a long wait_ms and nothing to lease.
    const other = await submit(1);
    const [t] = await f.work.lease({ units: UNITS, maxTasks: 1 });
    const startedAt = Date.now();
    const answer = await f.work.leaseCarrying({ units: UNITS, maxTasks: 4, waitMs: 5_000 }, [okOutcome(t!)]);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(answer).toEqual({ tasks: [], acks: [{ taskId: t!.taskId, attempt: 1, accepted: true }] });
    expect((await other.get()).state).toBe('succeeded');
    // A repeat of a recorded outcome is acknowledged again (a retried call).
    expect((await f.work.leaseCarrying({ units: UNITS, maxTasks: 1 }, [okOutcome(t!)])).acks).toEqual([
      { taskId: t!.taskId, attempt: 1, accepted: true, reason: 'already_completed' },
    ]);
  });

  it('refuses malformed carried outcomes with INVALID_ARGUMENT and leases nothing', async () => {
    await submit(2);
    const [t] = await f.work.lease({ units: UNITS, maxTasks: 1 });
    const bad = { taskId: t!.taskId, attempt: t!.attempt, ok: false as const, error: '' };
    const err = await f.work.leaseCarrying({ units: UNITS, maxTasks: 5 }, [bad]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlorinError);
    expect((err as FlorinError).code).toBe('INVALID_ARGUMENT');
    expect((err as FlorinError).message).toMatch(/a failure needs an error message/);
    // The other task is still there.
    expect((await f.work.lease({ units: UNITS, maxTasks: 5 })).map((x) => x.index)).toEqual([1]);
  });

  it('a submit wakes only as many waiting polls of its unit as its tasks need; the rest keep waiting', async () => {
    const polls = ['w-a', 'w-b', 'w-c'].map((id) => f.worker(id));
    const ranker = f.worker('w-ranker');
    const pending = polls.map((w) => w.lease({ units: MOMENTUM_ONLY, maxTasks: 2, waitMs: 20_000 }).then((tasks) => ({ tasks, at: Date.now() })));
    // A poll for another unit only is never woken by momentum tasks.
    const rankerPoll = ranker.lease({ units: [UNITS[1]!], maxTasks: 10, waitMs: 1_500 }).then((tasks) => ({ tasks, at: Date.now() }));
    await waitFor(() => f.running.server.longPolls === 4);
    const submittedAt = Date.now();
    await submit(3); // 3 tasks: the two oldest polls (2 + 2 >= 3) are woken
    const [a, b] = await Promise.all([pending[0]!, pending[1]!]);
    expect([...a.tasks, ...b.tasks].map((t) => t.index).sort()).toEqual([0, 1, 2]);
    expect(Math.max(a.at, b.at) - submittedAt).toBeLessThan(900); // woken, not the 1 s poll interval
    // The third poll is still waiting: one more task wakes it.
    const raced = await Promise.race([pending[2]!.then(() => 'answered'), new Promise((r) => setTimeout(() => r('waiting'), 300))]);
    expect(raced).toBe('waiting');
    await submit(1);
    expect((await pending[2]!).tasks.map((t) => t.index)).toEqual([0]);
    expect((await rankerPoll).tasks).toEqual([]);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
