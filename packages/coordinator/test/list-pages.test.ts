import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlorinError } from '@florin/core';
import { postgresUrl, RANGE, UNITS, okOutcome, startCoordinator, symbols, type CoordinatorFixture } from '@florin/test-support';

const PG_URL = await postgresUrl('List pages and ListTasks');

const backends: { name: string; pg?: string }[] = [{ name: 'SQLite' }, ...(PG_URL ? [{ name: 'PostgreSQL', pg: PG_URL }] : [])];

describe.each(backends)('JobService List pages and ListTasks ($name)', ({ pg }) => {
  let f: CoordinatorFixture;
  const submitted: string[] = [];
  let big: string;

  beforeAll(async () => {
    f = await startCoordinator({ maxSymbolsPerJob: 1_000 }, pg);
    for (let i = 0; i < 120; i++) {
      const handle = await f.jobs.submit({ unit: 'momentum', dataset: 'daily', symbols: symbols(2), ...RANGE, taskSize: 1, params: { threshold: i } });
      submitted.push(handle.jobId);
    }
    big = (await f.jobs.submit({ unit: 'momentum', dataset: 'daily', symbols: symbols(250), ...RANGE, taskSize: 1, params: { threshold: 1 } })).jobId;
  }, 120_000);

  afterAll(async () => {
    await f?.close();
  });

  it('pages every job exactly once, newest first, and says when the last page is reached', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let token = '';
    do {
      const page = await f.jobs.listPage({ limit: 50, pageToken: token });
      sizes.push(page.jobs.length);
      seen.push(...page.jobs.map((j) => j.jobId));
      token = page.nextPageToken;
    } while (token);
    expect(sizes).toEqual([50, 50, 21]);
    expect(seen).toHaveLength(121);
    expect(seen).toEqual([big, ...[...submitted].reverse()]);
    // A filter pages the same way: the 121 jobs are all queued.
    const queued = await f.jobs.listPage({ limit: 100, states: ['queued'] });
    expect(queued.jobs).toHaveLength(100);
    const rest = await f.jobs.listPage({ limit: 100, states: ['queued'], pageToken: queued.nextPageToken });
    expect(rest.jobs.map((j) => j.jobId)).toEqual(submitted.slice(0, 21).reverse());
    expect(rest.nextPageToken).toBe('');
    expect((await f.jobs.list({ limit: 1, updatedSinceMs: -1 }).catch((e: FlorinError) => e.code))).toBe('INVALID_ARGUMENT');
  });

  it('lists the jobs whose state changed since a time (updated_since_ms), whatever their age', async () => {
    const newest = (await f.jobs.list({ limit: 1 }))[0]!;
    expect(await f.jobs.list({ updatedSinceMs: newest.updatedMs + 1 })).toEqual([]);
    const old = submitted[7]!;
    const older = submitted[3]!;
    await new Promise((r) => setTimeout(r, 2));
    await f.jobs.cancel(old);
    await new Promise((r) => setTimeout(r, 2));
    const cancelled = await f.jobs.cancel(older);
    // In the order of the changes, oldest first.
    const changed = await f.jobs.list({ updatedSinceMs: newest.updatedMs + 1 });
    expect(changed.map((j) => [j.jobId, j.state])).toEqual([[old, 'cancelled'], [older, 'cancelled']]);
    expect(changed[1]!.updatedMs).toBe(cancelled.updatedMs);
    expect(await f.jobs.list({ updatedSinceMs: cancelled.updatedMs + 1 })).toEqual([]);
    const token = (await f.jobs.listPage({ limit: 1 })).nextPageToken;
    expect(await f.jobs.list({ updatedSinceMs: 1, pageToken: token }).catch((e: FlorinError) => e.code)).toBe('INVALID_ARGUMENT');
  });

  it('pages a job\'s tasks in index order with state, attempts, worker, start time and errors', async () => {
    const indexes: number[] = [];
    let token = '';
    do {
      const page = await f.jobs.tasks(big, { limit: 100, pageToken: token });
      indexes.push(...page.tasks.map((t) => t.index));
      token = page.nextPageToken;
    } while (token);
    expect(indexes).toEqual(Array.from({ length: 250 }, (_, i) => i));

    // The first FIFO tasks belong to the oldest jobs: lease them all and fail one of the big job's tasks.
    const before = Date.now();
    const leased = await f.work.lease({ units: UNITS, maxTasks: 1000 });
    const mine = leased.filter((t) => t.jobId === big);
    expect(mine.length).toBeGreaterThan(2);
    await f.work.complete([okOutcome(mine[0]!), { taskId: mine[1]!.taskId, attempt: mine[1]!.attempt, ok: false, error: 'vendor feed gap on 2020-03-09', stack: 'Error: vendor feed gap', retryable: true }]);
    const page = await f.jobs.tasks(big, { limit: 3 });
    expect(page.tasks.map((t) => [t.index, t.state, t.attempts, t.failures, t.workerId])).toEqual([
      [0, 'succeeded', 1, 0, 'qcu-1'],
      [1, 'queued', 1, 1, 'qcu-1'],
      [2, 'leased', 1, 0, 'qcu-1'],
    ]);
    expect(page.tasks[1]!.error).toBe('vendor feed gap on 2020-03-09');
    expect(page.tasks[1]!.errorStack).toBe('Error: vendor feed gap');
    for (const t of page.tasks) expect(t.startedMs).toBeGreaterThanOrEqual(before - 5);
    expect(page.tasks[0]).toMatchObject({ firstSymbol: 'S000', symbolCount: 1, final: false });
    const running = await f.jobs.tasks(big, { states: ['leased'], limit: 1000 });
    expect(running.tasks.map((t) => t.index)).toEqual(mine.slice(2).map((t) => t.index));
  });

  it('refuses a malformed or foreign page token, a limit over 1,000 and an unknown job with actionable statuses', async () => {
    const codeOf = async (p: Promise<unknown>): Promise<[string, string]> => {
      const err = (await p.catch((e: unknown) => e)) as FlorinError;
      expect(err).toBeInstanceOf(FlorinError);
      return [err.code, err.message];
    };
    const [code, message] = await codeOf(f.jobs.listPage({ pageToken: 'not-a-token' }));
    expect(code).toBe('INVALID_ARGUMENT');
    expect(message).toContain('is not a jobs page token');
    const jobsToken = (await f.jobs.listPage({ limit: 1 })).nextPageToken;
    expect((await codeOf(f.jobs.tasks(big, { pageToken: jobsToken })))[0]).toBe('INVALID_ARGUMENT');
    expect(await codeOf(f.jobs.tasks(big, { limit: 1001 }))).toEqual(['INVALID_ARGUMENT', 'limit 1001 is above 1000; page with page_token instead']);
    expect(await codeOf(f.jobs.tasks('job-missing'))).toEqual(['NOT_FOUND', 'unknown job "job-missing"']);
  });
});
