import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect, type FlorinConnection, type JobsClient, type JobSubmission } from '@florin/client';
import type { BacktestResult } from '@florin/examples';
import { TEST_UNITS } from '@florin/test-support';
import { expectBacktestEqualsReference, expectedMomentum, expectPublishedEqualsReference, expectShardFilesEqualReference, marketUniverse } from '@florin/test-support';
import { ProcessGroup, unitEvents, until, type LaunchedProcess, type RoleProcess, type UnitEvent } from '@florin/test-support';

/**
 * The job system end to end over real processes: `florin up` runs 2 shards,
 * 2 head nodes, a coordinator and 2 QCUs (example units) over a generated
 * market; tests that need fixture units (test/fixtures/test-units.mjs) start
 * their own `florin qcu` processes against the same coordinator and heads.
 */
const MARKET = { symbols: 30, years: 3, seed: 11 };
const RANGE = { start: Date.UTC(2024, 0, 1), end: Date.UTC(2026, 0, 1) };
/** Lease of the fixture QCUs: heartbeats every 500 ms. */
const LEASE_MS = 1_500;
/** The coordinator's default lease sweep interval. */
const SWEEP_MS = 1_000;

interface ClusterFile {
  dataDir: string;
  shards: { address: string; pid: number }[];
  heads: { address: string; pid: number }[];
  coordinator: { address: string; pid: number };
  qcus: { id: string; pid: number }[];
}

const cluster = new ProcessGroup();
let dir: string;
let dataDir: string;
let up: LaunchedProcess;
let info: ClusterFile;
let connection: FlorinConnection;
let jobs: JobsClient;
/** Per test: the fixture QCUs it started. */
let fixtures: ProcessGroup;
/** Set by the momentum test: what the shard files must hold once the cluster has stopped (checked in afterAll). */
let published: { output: string; expected: ReturnType<typeof expectedMomentum> } | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'florin-jobs-e2e-'));
  dataDir = join(dir, 'cluster');
  // Plaintext: this suite is about jobs; the secure default is covered by cli-cluster, readme-example and security-e2e.
  const flags = ['--plaintext', '--shards', '2', '--heads', '2', '--qcus', '2', '--symbols', String(MARKET.symbols), '--years', String(MARKET.years), '--seed', String(MARKET.seed)];
  up = await cluster.launch('florin up', ['up', '--data-dir', dataDir, ...flags], /Ctrl-C stops it/, 110_000);
  info = JSON.parse(await readFile(join(dataDir, 'cluster.json'), 'utf8')) as ClusterFile;
  for (const p of [...info.shards, ...info.heads, info.coordinator, ...info.qcus]) cluster.adopt(p.pid);
  connection = connect({ heads: info.heads.map((h) => h.address), coordinator: info.coordinator.address });
  jobs = connection.jobs!;
}, 120_000);

afterAll(async () => {
  try {
    connection?.close();
    // Stop the cluster (SIGINT: everything drains), then read the shard files directly. Here, not in a test,
    // so every test sees a running cluster whatever order they run in.
    const code = up ? await cluster.stop(up, 30_000, 'SIGINT') : undefined;
    if (published) {
      expect(code).toBe(0);
      expect(existsSync(join(dataDir, 'cluster.json'))).toBe(false);
      await expectShardFilesEqualReference(dataDir, 2, published.output, published.expected);
    }
  } finally {
    await cluster.killAll();
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

beforeEach((context) => {
  fixtures = new ProcessGroup();
  // On failure, show what the cluster said (when one process exits, `florin up` stops them all).
  context.onTestFailed(() => console.log(`florin up stderr (last 6000 characters):\n${up?.stderr().slice(-6_000)}`));
});

afterEach(async () => {
  await fixtures.killAll();
});

/** A `florin qcu` process hosting the fixture units, against the cluster's coordinator and heads. */
function fixtureQcu(id: string, extra: readonly string[] = []): Promise<RoleProcess> {
  return fixtures.start(id, [
    'qcu',
    '--id',
    id,
    '--units',
    TEST_UNITS,
    '--coordinator',
    info.coordinator.address,
    '--heads',
    info.heads.map((h) => h.address).join(','),
    '--lease-ms',
    String(LEASE_MS),
    '--compute-threads',
    '1',
    ...extra,
  ]);
}

function eventsOf(qcus: readonly RoleProcess[], jobId: string): UnitEvent[] {
  return qcus.flatMap(unitEvents).filter((e) => e.jobId === jobId);
}

const base = { dataset: 'bars', startMs: RANGE.start, endMs: RANGE.end } as const;

describe('jobs end to end over real processes (`florin up`)', () => {
  it('rejects an unknown unit (NOT_FOUND) and params the unit rejects (INVALID_ARGUMENT) at submit, creating no job', async () => {
    const before = (await jobs.list({ limit: 1000 })).map((j) => j.jobId);
    const symbols = marketUniverse(MARKET).slice(0, 1);
    const submit = (s: Partial<JobSubmission>): Promise<unknown> => jobs.submit({ ...base, unit: 'momentum', symbols, ...s });

    await expect(submit({ unit: 'no-such-unit' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/unknown unit no-such-unit/) });
    await expect(submit({ params: { lookback: -5 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/lookback/) });
    await expect(submit({ params: { lookback: 'twelve months' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/lookback/) });
    await expect(submit({ params: { quantile: 0.9 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/quantile/) });
    await expect(submit({ params: { lookbak: 20 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/lookbak/) });
    await expect(submit({ startMs: RANGE.end, endMs: RANGE.start })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    // None of them made a job (so no task either): the coordinator lists exactly the jobs it had.
    expect((await jobs.list({ limit: 1000 })).map((j) => j.jobId)).toEqual(before);
  });

  it('answers a duplicate submit with the same idempotency key with the same job; another spec under that key is ALREADY_EXISTS', async () => {
    const symbols = marketUniverse(MARKET).slice(0, 3);
    const submission: JobSubmission = { ...base, unit: 'momentum', symbols, taskSize: 1, outputDataset: 'e2e_idempotent', idempotencyKey: 'e2e-idempotent-1' };
    const first = await jobs.submit(submission);
    const again = await jobs.submit(submission);
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.jobId).toBe(first.jobId);
    const job = await first.wait();
    expect(job.state).toBe('succeeded');
    expect(job.progress).toMatchObject({ tasksTotal: 4, tasksSucceeded: 4 });
    // After it finished, still the same job (and no new tasks).
    const late = await jobs.submit(submission);
    expect(late.created).toBe(false);
    expect(late.job).toMatchObject({ jobId: first.jobId, state: 'succeeded', progress: { tasksTotal: 4 } });
    await expect(jobs.submit({ ...submission, params: { lookback: 126 } })).rejects.toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringContaining(first.jobId) });
    expect((await jobs.list({ limit: 1000 })).filter((j) => j.idempotencyKey === 'e2e-idempotent-1').map((j) => j.jobId)).toEqual([first.jobId]);
  });

  it('retries a unit that throws, then fails the job with its message', async () => {
    const qcu = await fixtureQcu('qcu-throws');
    const handle = await jobs.submit({ ...base, unit: 'always-throws', symbols: marketUniverse(MARKET).slice(0, 1), maxAttempts: 3 });
    const job = await handle.wait();
    expect(job.state).toBe('failed');
    expect(job.error).toBe('cannot reach the licence server (attempt 3)');
    expect(job.errorStack).toMatch(/^Error: cannot reach the licence server \(attempt 3\)\n\s+at .*test-units\.mjs/);
    expect(job.failedTaskIndex).toBe(0);
    expect(job.progress).toMatchObject({ tasksTotal: 1, tasksFailed: 1, retries: 2 });
    const starts = eventsOf([qcu], handle.jobId).filter((e) => e.event === 'start');
    expect(starts.map((e) => e.attempt)).toEqual([1, 2, 3]);
    // Retried with backoff (the coordinator's default retryBaseMs is 1 s, doubling).
    expect(starts[1]!.time - starts[0]!.time).toBeGreaterThanOrEqual(900);
    expect(starts[2]!.time - starts[1]!.time).toBeGreaterThanOrEqual(1_900);
    await expect(handle.result()).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringContaining('cannot reach the licence server (attempt 3)') });
  });

  it('detects a QCU that dies holding a lease within the lease time, and another QCU runs the task', async () => {
    const qcus = await Promise.all([fixtureQcu('qcu-lease-a'), fixtureQcu('qcu-lease-b')]);
    const handle = await jobs.submit({ ...base, unit: 'slow', symbols: marketUniverse(MARKET).slice(0, 1), params: { sleepMs: 2_500 } });
    const first = await until(() => eventsOf(qcus, handle.jobId).find((e) => e.event === 'start'), 20_000, 'the task to start');
    const victim = qcus.find((q) => q.pid === first.pid)!;
    const survivor = qcus.find((q) => q !== victim)!;
    const killedAt = Date.now();
    await fixtures.kill(victim);
    const retried = await until(() => eventsOf([survivor], handle.jobId).find((e) => e.event === 'start'), 15_000, 'the task to be re-leased');
    const detectedMs = retried.time - killedAt;
    console.log(`lease loss: task re-leased ${detectedMs} ms after its QCU was SIGKILLed (lease ${LEASE_MS} ms, sweep ${SWEEP_MS} ms)`);
    expect(retried.attempt).toBe(2);
    // Not before the lease could have expired (last extension at most a heartbeat, leaseMs / 3, before the kill)...
    expect(detectedMs).toBeGreaterThanOrEqual(LEASE_MS - LEASE_MS / 3 - 100);
    // ...and by the lease sweep: the re-lease is attempt 2 and the job counts one retry (the latency, typically
    // ~1.5 s = lease plus a sweep interval, is logged above, not asserted: a loaded machine stretches it).
    expect((await handle.get()).progress.retries).toBe(1);
    const job = await handle.wait();
    expect(job.state).toBe('succeeded');
    expect(job.progress).toMatchObject({ tasksTotal: 1, tasksSucceeded: 1 });
    expect(eventsOf([survivor], handle.jobId).map((e) => e.event)).toEqual(['start', 'done']);
  });

  it('cancel stops running tasks within a bounded time and the job ends cancelled', async () => {
    const qcus = await Promise.all([fixtureQcu('qcu-cancel-a', ['--concurrency', '2']), fixtureQcu('qcu-cancel-b', ['--concurrency', '2'])]);
    const handle = await jobs.submit({ ...base, unit: 'slow', symbols: marketUniverse(MARKET).slice(0, 4), taskSize: 1, params: { sleepMs: 120_000 } });
    await until(() => eventsOf(qcus, handle.jobId).filter((e) => e.event === 'start').length === 4 || undefined, 20_000, 'all four tasks to run');
    const cancelledAt = Date.now();
    const answer = await handle.cancel();
    expect(answer.state).toBe('cancelled');
    const aborted = await until(() => {
      const list = eventsOf(qcus, handle.jobId).filter((e) => e.event === 'aborted');
      return list.length === 4 ? list : undefined;
    }, 10_000, 'every running task to stop');
    const stoppedMs = Math.max(...aborted.map((e) => e.time)) - cancelledAt;
    console.log(`cancel: all 4 running tasks stopped ${stoppedMs} ms after Cancel (heartbeat every ${LEASE_MS / 3} ms)`);
    expect(new Set(aborted.map((e) => e.reason))).toEqual(new Set(['the job was cancelled']));
    // QCUs learn of the cancel on their next heartbeat (every leaseMs / 3): the reason above is the heartbeat's
    // answer; the latency is logged, not asserted (a loaded machine stretches it).
    const job = await handle.wait();
    expect(job.state).toBe('cancelled');
    expect(job.progress).toMatchObject({ tasksTotal: 4, tasksCancelled: 4, tasksRunning: 0, tasksSucceeded: 0, tasksFailed: 0 });
    await expect(handle.result()).rejects.toMatchObject({ code: 'CANCELLED' });
    // The QCUs are free again: a new job runs on them.
    const next = await jobs.submit({ ...base, unit: 'slow', symbols: marketUniverse(MARKET).slice(0, 2), taskSize: 1, params: { sleepMs: 10 } });
    expect((await next.wait()).state).toBe('succeeded');
  });

  it('a momentum job publishes exactly the reference rows and its backtest equals the reference; the shard files agree after the cluster stops (afterAll)', async () => {
    const quantile = 0.2;
    const output = 'e2e_momentum';
    const handle = await jobs.submit({ ...base, unit: 'momentum', symbols: 'all', taskSize: 4, params: { quantile }, outputDataset: output, idempotencyKey: 'e2e-momentum' });
    const expected = expectedMomentum(MARKET, handle.job.symbols, RANGE);
    expect(handle.job.symbols).toEqual(marketUniverse(MARKET));
    const job = await handle.wait();
    expect(job.error).toBeUndefined();
    expect(job.state).toBe('succeeded');
    // 30 symbols in tasks of 4: eight tasks, then the final step.
    expect(job.progress).toMatchObject({ tasksTotal: 9, tasksSucceeded: 9, tasksFailed: 0, retries: 0 });
    expect(job.outputDataset).toBe(output);

    // Read back through the head nodes.
    expectPublishedEqualsReference(await handle.results(), expected);
    expectBacktestEqualsReference(job.result as BacktestResult, expected, quantile);
    published = { output, expected };
  });
});
