import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type FlorinConnection } from '@florin/client';
import { createDiscovery } from '@florin/discovery';
import { clusterSecurity } from '@florin/cli';
import type { BacktestResult } from '@florin/examples';
import { CloudMapDouble, TEST_UNITS, exitCode, expectBacktestEqualsReference, expectedMomentum, expectPublishedEqualsReference, marketUniverse, startCli } from '@florin/test-support';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * `florin up` on Cloud Map discovery (the real AWS SDK client against a
 * wire-level double), with no address on any command line: every process
 * registers itself and finds its peers through the API. The demo's momentum
 * job runs while a head node and then a shard are SIGKILLed; the cluster
 * restarts them at new ports, everyone finds them again, and the job
 * publishes exactly the reference rows and the reference backtest.
 */
const MARKET = { symbols: 24, years: 3, seed: 11 };
const RANGE = { start: Date.UTC(2024, 0, 1), end: Date.UTC(2026, 0, 1) };
const QUANTILE = 0.2;
const OUTPUT = 'discovered_momentum';
const expected = expectedMomentum(MARKET, marketUniverse(MARKET), RANGE);

interface ClusterFile {
  security?: { ca: string; serverName?: string; tokenFile: string };
  shards: { id: number; address: string; pid: number }[];
  heads: { id: string; address: string; pid: number }[];
  coordinator?: { address: string; pid: number };
  qcus: { id: string; pid: number }[];
}

describe('florin up on Cloud Map discovery (real processes)', () => {
  let dir: string;
  let double: CloudMapDouble;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'florin-cloudmap-'));
    double = await CloudMapDouble.start();
  });
  afterAll(async () => {
    await double?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the momentum job to the reference results through a head and a shard SIGKILLed mid-job', { timeout: 240_000 }, async () => {
    const dataDir = join(dir, 'cluster');
    const up = await startCli(
      ['up', '--data-dir', dataDir, '--shards', '2', '--heads', '2', '--qcus', '2', '--units', TEST_UNITS, '--symbols', String(MARKET.symbols), '--years', String(MARKET.years), '--seed', String(MARKET.seed), '--discovery', 'cloudmap', '--cloudmap-endpoint', double.url],
      /Ctrl-C stops it/,
      { timeoutMs: 150_000 },
    );
    let connection: FlorinConnection | undefined;
    try {
      const cluster = JSON.parse(await readFile(join(dataDir, 'cluster.json'), 'utf8')) as ClusterFile;
      // No process was handed a peer's address: each found its peers through Cloud Map.
      for (const pid of [...cluster.shards, ...cluster.heads, cluster.coordinator!, ...cluster.qcus].map((p) => p.pid)) {
        const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
        expect(argv.filter((a) => /^--(heads|shards|coordinator|peers)$/.test(a)), argv.join(' ')).toEqual([]);
        expect(argv).toContain('cloudmap');
      }
      // Shards, heads and the coordinator register; QCUs only discover.
      expect(double.calls('RegisterInstance')).toBeGreaterThanOrEqual(5);

      // The researcher's side: the SDK finds the heads and the coordinator through the same API.
      const discovery = createDiscovery({ kind: 'cloudmap', namespace: 'florin.local', endpoint: double.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, pollIntervalMs: 500 });
      connection = connect({ discovery, security: clusterSecurity(cluster) }); // florin up is secure by default: its CA and admin token
      const handle = await connection.jobs!.submit({
        unit: 'momentum-paced',
        dataset: 'bars',
        symbols: 'all',
        startMs: RANGE.start,
        endMs: RANGE.end,
        taskSize: 2,
        params: { paceMs: 400, quantile: QUANTILE },
        outputDataset: OUTPUT,
        idempotencyKey: `cloudmap-${Date.now()}`,
      });
      expect(handle.job.symbols).toEqual([...expected.universe]);
      let done = false;
      const waiting = handle.wait({ reconnectForMs: 60_000 }).finally(() => (done = true));
      waiting.catch(() => undefined);
      const succeeded = async (): Promise<number> => (await connection!.jobs!.get(handle.jobId)).progress.tasksSucceeded;

      await poll(async () => done || (await succeeded()) >= 2, 60_000, 'two tasks done before the head is killed');
      expect(done, 'the job still runs when head-0 is killed').toBe(false);
      process.kill(cluster.heads[0]!.pid, 'SIGKILL');
      await poll(async () => done || (await succeeded()) >= 5, 90_000, 'three more tasks done before the shard is killed');
      expect(done, 'the job still runs when shard 1 is killed').toBe(false);
      process.kill(cluster.shards[1]!.pid, 'SIGKILL');

      const job = await waiting;
      expect(job.error).toBeUndefined();
      expect(job.state).toBe('succeeded');
      expect(job.progress.tasksSucceeded).toBe(13);
      expectPublishedEqualsReference(await handle.results(), expected);
      expectBacktestEqualsReference(job.result as BacktestResult, expected, QUANTILE);

      // Both were replaced at new ports and registered again under the same ids.
      const after = JSON.parse(await readFile(join(dataDir, 'cluster.json'), 'utf8')) as ClusterFile;
      expect(after.heads[0]!.pid).not.toBe(cluster.heads[0]!.pid);
      expect(after.shards[1]!.pid).not.toBe(cluster.shards[1]!.pid);
      expect(up.stderr()).toMatch(/head-0.*(restart|exited)/i);
    } finally {
      connection?.close();
      up.child.kill('SIGINT');
      expect(await exitCode(up.child)).toBe(0);
    }
  });
});

/** Polls an async condition every 100 ms until it holds; throws after `timeoutMs`, naming `what`. */
async function poll(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}
