import { afterEach, describe, expect, it } from 'vitest';
import { runCoordinator, type RunningCoordinator } from '@florin/coordinator';
import { WorkClient, type LeasedTask as Task } from '@florin/qcu';
import { RANGE, UNITS, postgresUrl, startCoordinator, symbols, type CoordinatorFixture } from '@florin/test-support';

const PG_URL = await postgresUrl('PostgreSQL concurrency test');
const TASKS = 240;

/** A QCU loop: lease a batch, fail the first attempt of every 7th task (retryable), complete the rest; stop when nothing is left. */
async function worker(work: WorkClient, finals: Task[], stop: () => boolean): Promise<number> {
  let completed = 0;
  while (!stop()) {
    const tasks = await work.lease({ units: UNITS, maxTasks: 16, waitMs: 200, leaseMs: 10_000 });
    if (tasks.length === 0) continue;
    const outcomes = tasks.map((t) => {
      if (t.final) {
        finals.push(t);
        return { taskId: t.taskId, attempt: t.attempt, ok: true as const, result: { parts: t.parts.length } };
      }
      if (t.index % 7 === 0 && t.attempt === 1) return { taskId: t.taskId, attempt: t.attempt, ok: false as const, error: `flaky ${t.index}`, retryable: true };
      return { taskId: t.taskId, attempt: t.attempt, ok: true as const, result: { index: t.index, symbol: t.symbols[0] } };
    });
    const acks = await work.complete(outcomes);
    expect(acks.every((a) => a.accepted)).toBe(true);
    completed += acks.length;
  }
  return completed;
}

function concurrencySuite(name: string, pgUrl: string | undefined): void {
  describe(`coordinator under concurrent workers: ${name}`, () => {
    let f: CoordinatorFixture | undefined;
    let second: RunningCoordinator | undefined;
    afterEach(async () => {
      await second?.close(100);
      await f?.close();
      f = undefined;
      second = undefined;
    });

    it('finishes every task exactly once, retries included, and runs the final task once', async () => {
      f = await startCoordinator({ retryBaseMs: 10, retryMaxMs: 50 }, pgUrl);
      // On PostgreSQL a second coordinator shares the state: workers are split over both.
      if (pgUrl) second = await runCoordinator({ store: f.store, retryBaseMs: 10, retryMaxMs: 50 });
      const handle = await f.jobs.submit({ unit: 'ranker', dataset: 'daily', symbols: symbols(TASKS), ...RANGE, taskSize: 1 });
      let finished = false;
      const done = handle.wait().finally(() => (finished = true));
      const finals: Task[] = [];
      const addresses = [f.address, second?.address ?? f.address];
      const workers = Array.from({ length: 6 }, (_, i) => new WorkClient(addresses[i % 2]!, { workerId: `qcu-${i}` }));
      const counts = await Promise.all(workers.map((w) => worker(w, finals, () => finished)));
      for (const w of workers) w.close();
      const job = await done;
      const flaky = Array.from({ length: TASKS }, (_, i) => i).filter((i) => i % 7 === 0).length;
      expect(counts.reduce((a, b) => a + b, 0)).toBe(TASKS + flaky + 1);
      expect(job).toMatchObject({ state: 'succeeded', result: { parts: TASKS } });
      expect(job.progress).toEqual({ tasksTotal: TASKS + 1, tasksQueued: 0, tasksRunning: 0, tasksSucceeded: TASKS + 1, tasksFailed: 0, tasksCancelled: 0, retries: flaky });
      expect(finals).toHaveLength(1);
      expect(finals[0]!.parts).toEqual(symbols(TASKS).map((symbol, index) => ({ index, result: { index, symbol } })));
    });
  });
}

concurrencySuite('SQLite', undefined);
describe.skipIf(!PG_URL)('PostgreSQL', () => concurrencySuite('PostgreSQL, two coordinators', PG_URL));
