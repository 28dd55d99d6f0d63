import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type FlorinConnection, type Job } from '@florin/client';
import type { BacktestResult } from '@florin/examples';
import { JobCluster, TEST_UNITS } from '@florin/test-support';
import { expectBacktestEqualsReference, expectedMomentum, expectPublishedEqualsReference, expectShardFilesEqualReference, marketUniverse } from '@florin/test-support';
import { prng } from '@florin/test-support';
import { ProcessGroup, freePort, unitEvents, until, type UnitEvent } from '@florin/test-support';

/**
 * Chaos: one momentum job (the example unit, paced so each task takes a
 * while) run three ways on a cluster of real processes: no faults; a random
 * QCU SIGKILLed every few seconds (a replacement started each time); the
 * coordinator SIGKILLed mid-job and restarted on the same port and store.
 * Every run must finish with exactly the reference rows published (none
 * missing, none twice) and the reference backtest as its result.
 */
const MARKET = { symbols: 30, years: 3, seed: 2024 };
const RANGE = { start: Date.UTC(2024, 0, 1), end: Date.UTC(2026, 0, 1) };
const QUANTILE = 0.2;
const OUTPUT = 'chaos_momentum';
const LEASE_MS = 2_000;
const PACE_MS = 1_000;
const KILL_EVERY_MS = 2_000;
/** Typically 15-30 s per run; generous for a 2-core machine shared with other work. */
const RUN_TIMEOUT_MS = 150_000;
// The universe as the SDK resolves symbols: 'all': the dataset's symbols, sorted.
const expected = expectedMomentum(MARKET, marketUniverse(MARKET), RANGE);

let group: ProcessGroup;
let dir: string;
let connection: FlorinConnection | undefined;
let current: JobCluster | undefined;

beforeEach(async (context) => {
  current = undefined;
  context.onTestFailed(() => {
    // What the job plane said, to tell a product failure from a test failure.
    for (const p of current ? [current.coordinator, ...current.qcus] : []) {
      console.log(`${p.name} (alive ${p.alive()}, exit ${p.child.exitCode ?? p.child.signalCode}) stderr, last 3000 characters:\n${p.stderr().slice(-3_000)}`);
    }
  });
  group = new ProcessGroup();
  dir = await mkdtemp(join(tmpdir(), 'florin-chaos-'));
});

afterEach(async () => {
  connection?.close();
  connection = undefined;
  await group.killAll();
  await rm(dir, { recursive: true, force: true });
});

describe('a momentum job under faults (real processes)', () => {
  it('(a) no faults: completes with exactly the reference results', async () => {
    const { cluster, job, events } = await runJob(async () => undefined);
    expect(job.progress).toMatchObject({ tasksTotal: 16, tasksSucceeded: 16, tasksFailed: 0 });
    // Every task ran (on a heavily loaded machine a heartbeat can miss a 2 s lease, so a task may run twice).
    expect(new Set(events.filter((e) => e.event === 'start').map((e) => e.index))).toEqual(new Set(Array.from({ length: 15 }, (_, i) => i)));
    await verifyOffline(cluster);
  }, RUN_TIMEOUT_MS);

  it('(b) a random QCU is SIGKILLed every few seconds: completes with exactly the reference results', async () => {
    // Seeded: which QCU dies is the same on every run.
    const random = prng(0xc0ffee);
    const killed: string[] = [];
    const { cluster, job, events } = await runJob(async (cluster, isDone) => {
      while (!isDone()) {
        await sleep(KILL_EVERY_MS);
        if (isDone()) break;
        const live = cluster.liveQcus();
        const victim = live[Math.floor(random() * live.length)]!;
        killed.push(victim.name);
        await group.kill(victim);
        await cluster.addQcu(); // a replacement, so work continues
      }
    });
    console.log(`chaos run (b): SIGKILLed ${killed.join(', ')}`);
    expect(job.progress.tasksSucceeded).toBe(16);
    expect(killed.length).toBeGreaterThanOrEqual(2);
    // Faults landed mid-task: some task was started again after its QCU died.
    expect(events.some((e) => e.event === 'start' && e.attempt > 1), 'a killed task was re-leased').toBe(true);
    await verifyOffline(cluster);
  }, RUN_TIMEOUT_MS);

  it('(c) the coordinator is SIGKILLed mid-job and restarted on the same port: completes with exactly the reference results', async () => {
    let progressAtKill: Job['progress'] | undefined;
    const { cluster, job } = await runJob(async (cluster, isDone, jobId) => {
      // Mid-job: some tasks done, most not.
      await until(() => doneEvents(cluster).length >= 3 || isDone(), 30_000, 'three tasks done before the coordinator is killed');
      progressAtKill = (await connection!.jobs!.get(jobId)).progress;
      await cluster.restartCoordinator(500);
      // The QCUs ride out the outage (they retry with backoff) and carry on with the new coordinator.
      await until(() => isDone() || cluster.qcus.some((q) => !q.alive()), 90_000, 'the job to finish after the coordinator restart');
      const gone = cluster.qcus.filter((q) => !q.alive()).map((q) => `${q.name} exited (code ${q.child.exitCode}, signal ${q.child.signalCode})`);
      expect(gone, 'QCU processes must survive a coordinator outage').toEqual([]);
    });
    expect(progressAtKill!.tasksSucceeded).toBeLessThan(16);
    expect(job.progress.tasksSucceeded).toBe(16);
    await verifyOffline(cluster);
  }, RUN_TIMEOUT_MS);
});

describe('a QCU process while its coordinator is unavailable', () => {
  // The data plane plays no part here (nothing is leased): the QCU is given a head address nobody serves.
  // A QCU outliving an outage mid-job is run (c) above.
  const qcuArgs = (id: string, port: number): string[] => ['qcu', '--id', id, '--coordinator', `127.0.0.1:${port}`, '--heads', '127.0.0.1:1', '--units', TEST_UNITS, '--compute-threads', '1'];
  const coordinatorArgs = (port: number): string[] => ['coordinator', '--store', `sqlite:${join(dir, 'coordinator.sqlite')}`, '--port', String(port)];

  it('a QCU started before its coordinator keeps retrying (startTimeoutMs, 60 s), then registers once it is up', async () => {
    const port = await freePort();
    const starting = group.start('qcu-early', qcuArgs('qcu-early', port));
    const early = await Promise.race([starting.then(() => 'ready', (err: Error) => err.message.split('\n')[0]!), sleep(5_000).then(() => 'still waiting')]);
    expect(early, 'the QCU waits for its coordinator').toBe('still waiting');
    await group.start('coordinator', coordinatorArgs(port));
    const qcu = await starting; // registered: RegisterUnits retries back off to at most 2 s
    expect(qcu.ready).toMatchObject({ role: 'qcu', id: 'qcu-early' });
  });
});

/**
 * Starts a cluster (3 QCUs of the fixture units, short leases), submits the
 * job, runs `faults` until the job is terminal, and checks what the job
 * published through the head nodes and its final result against the reference.
 */
async function runJob(
  faults: (cluster: JobCluster, isDone: () => boolean, jobId: string) => Promise<void>,
): Promise<{ cluster: JobCluster; job: Job; events: UnitEvent[] }> {
  const started = Date.now();
  const cluster = await JobCluster.start(group, join(dir, 'data'), {
    market: MARKET,
    qcus: 3,
    qcuArgs: ['--units', TEST_UNITS, '--lease-ms', String(LEASE_MS), '--concurrency', '1', '--batch-size', '1'],
  });
  current = cluster;
  const clusterMs = Date.now() - started;
  connection = connect({ heads: cluster.headAddresses, coordinator: cluster.coordinatorAddress });
  const jobs = connection.jobs!;
  const handle = await jobs.submit({
    unit: 'momentum-paced',
    dataset: 'bars',
    symbols: 'all',
    startMs: RANGE.start,
    endMs: RANGE.end,
    taskSize: 2,
    params: { paceMs: PACE_MS, quantile: QUANTILE },
    outputDataset: OUTPUT,
    idempotencyKey: `chaos-${Date.now()}`,
  });
  expect(handle.job.symbols).toEqual([...expected.universe]);
  let done = false;
  const waiting = handle.wait({ reconnectForMs: 30_000 }).finally(() => (done = true));
  waiting.catch(() => undefined); // observed below; this only keeps a failing fault injector from leaving it unhandled
  await faults(cluster, () => done, handle.jobId);
  const job = await waiting;
  expect(job.error).toBeUndefined();
  expect(job.state).toBe('succeeded');
  expectPublishedEqualsReference(await handle.results(), expected);
  expectBacktestEqualsReference(job.result as BacktestResult, expected, QUANTILE);
  const events = cluster.qcus.flatMap(unitEvents).filter((e) => e.jobId === handle.jobId);
  console.log(`chaos run: job ${handle.jobId} ${job.state} in ${Date.now() - started - clusterMs} ms after a ${clusterMs} ms cluster start; ${cluster.qcus.length} QCUs started; task starts ${events.filter((e) => e.event === 'start').length}`);
  return { cluster, job, events };
}

/** Stops the cluster cleanly and reads the shard files directly. */
async function verifyOffline(cluster: JobCluster): Promise<void> {
  connection?.close();
  connection = undefined;
  await cluster.stop();
  await expectShardFilesEqualReference(cluster.dataDir, cluster.shardCount, OUTPUT, expected);
}

function doneEvents(cluster: JobCluster): UnitEvent[] {
  return cluster.qcus.flatMap(unitEvents).filter((e) => e.event === 'done');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
