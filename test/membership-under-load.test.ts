import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type FlorinConnection } from '@florin/client';
import { framesBitEqual, sliceFrame, selectFields } from '@florin/core';
import { createDiscovery } from '@florin/discovery';
import { generateMarket } from '@florin/store';
import { CloudMapDouble, exitCode, prng, startCli, until } from '@florin/test-support';

/**
 * Membership changes over real processes (`florin up` on Cloud Map through
 * the wire-level double), with readers running the whole time through the
 * SDK and every answer checked bit for bit against the generated market:
 * a head SIGKILLed (restarted by the cluster at a new port), an extra head
 * started (it takes its share of keys, nobody restarts), a shard SIGKILLed
 * (restarted elsewhere on its file), and the Cloud Map API throttling and
 * failing for a minute. No read may fail: the SDK's and the heads' own
 * retries must cover every change.
 */
const MARKET = { symbols: 40, years: 4, seed: 17 };
const market = generateMarket(MARKET);
const FIELDS = ['open', 'high', 'low', 'close', 'volume'];
const READERS = 4;
/**
 * How long the readers may take for a step's reads, or the cluster to replace a process: a backstop against a
 * hang, not a speed requirement (on a loaded 2-core machine a step takes many times what it takes on a quiet one).
 */
const STEP_TIMEOUT_MS = 240_000;
/** Each Cloud Map fault lasts at least this long, and until the double has refused this many discovery polls. */
const OUTAGE_MIN_MS = 30_000;
const OUTAGE_MIN_POLLS = 12;

interface ClusterFile {
  shards: { id: number; address: string; pid: number }[];
  heads: { id: string; address: string; pid: number }[];
}

class Readers {
  reads = 0;
  readonly failures: string[] = [];
  private stopped = false;
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly connection: FlorinConnection) {
    for (let i = 0; i < READERS; i++) this.loops.push(this.loop(prng(1000 + i)));
  }

  /** Resolves after `n` more reads have been answered and checked. */
  async more(n: number): Promise<void> {
    const start = this.reads;
    await until(() => this.reads >= start + n, STEP_TIMEOUT_MS, `${n} more reads (made ${this.reads - start})`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  private async loop(random: () => number): Promise<void> {
    const first = market.timestamps[0]!;
    const last = market.timestamps.at(-1)!;
    while (!this.stopped) {
      const symbols = Array.from({ length: 1 + Math.floor(random() * 6) }, () => market.symbols[Math.floor(random() * market.symbols.length)]!);
      const start = first + Math.floor(random() * (last - first));
      // A third of the reads run "up to now" and beyond: the live edge's delta goes to the shards every time.
      const range = { start, end: random() < 1 / 3 ? Date.UTC(2100, 0, 1) : start + Math.floor(random() * (last - start)) + 1 };
      const fields = random() < 0.5 ? ['close'] : FIELDS;
      try {
        const frames = await this.connection.data.read({ dataset: 'bars', symbols, fields, range });
        const unique = [...new Set(symbols)];
        if (frames.length !== unique.length) throw new Error(`${frames.length} frames for ${unique.length} symbols`);
        frames.forEach((frame, i) => {
          const want = selectFields(sliceFrame(market.frame(unique[i]!), range), fields);
          if (!framesBitEqual(frame, want)) throw new Error(`wrong answer for ${unique[i]} ${range.start}..${range.end}`);
        });
        this.reads++;
      } catch (err) {
        this.failures.push(`${(err as Error).message}`);
        this.reads++;
      }
    }
  }
}

describe('membership changes under load (real processes, Cloud Map)', () => {
  let dir: string;
  let double: CloudMapDouble;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'florin-membership-'));
    double = await CloudMapDouble.start();
  });
  afterAll(async () => {
    await double?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('no read fails through a head SIGKILL, an extra head, a shard SIGKILL and a minute of Cloud Map throttling and errors', { timeout: 1_200_000 }, async () => {
    const dataDir = join(dir, 'cluster');
    const cloudmap = ['--discovery', 'cloudmap', '--cloudmap-endpoint', double.url];
    const up = await startCli(['up', '--data-dir', dataDir, '--plaintext', '--shards', '2', '--heads', '2', '--qcus', '0', '--symbols', String(MARKET.symbols), '--years', String(MARKET.years), '--seed', String(MARKET.seed), ...cloudmap], /Ctrl-C stops it/, { timeoutMs: STEP_TIMEOUT_MS });
    let extra: Awaited<ReturnType<typeof startCli>> | undefined;
    let connection: FlorinConnection | undefined;
    let readers: Readers | undefined;
    try {
      const cluster = JSON.parse(await readFile(join(dataDir, 'cluster.json'), 'utf8')) as ClusterFile;
      const discovery = createDiscovery({ kind: 'cloudmap', namespace: 'florin.local', endpoint: double.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, pollIntervalMs: 500 });
      connection = connect({ discovery, coordinatorService: null });
      readers = new Readers(connection);
      await readers.more(50);

      // 1. A head dies: its keys move to the other head until the cluster replaces it.
      process.kill(cluster.heads[0]!.pid, 'SIGKILL');
      await replaced(dataDir, (f) => f.heads[0]!.pid !== cluster.heads[0]!.pid, 'head-0 replaced by the cluster');
      await readers.more(200);
      expect(readers.failures, 'after the head SIGKILL').toEqual([]);

      // 2. An extra head joins: it takes its share of keys, no restart anywhere.
      extra = await startCli(['head', '--node-id', 'head-extra', '--port', '0', ...cloudmap], /"event":"ready"/, { timeoutMs: STEP_TIMEOUT_MS });
      await connection.data.stats(true);
      await readers.more(300);
      const stats = await connection.data.stats();
      const served = new Map(stats.map((s) => [s.nodeId, Number(s.requests)]));
      expect(served.get('head-extra'), `requests per head: ${JSON.stringify([...served])}`).toBeGreaterThan(0);
      expect(readers.failures, 'after the extra head').toEqual([]);

      // 3. A shard dies; the cluster starts it again at a new port on the same file.
      process.kill(cluster.shards[1]!.pid, 'SIGKILL');
      await replaced(dataDir, (f) => f.shards[1]!.pid !== cluster.shards[1]!.pid, 'shard 1 replaced by the cluster');
      await readers.more(200);
      expect(readers.failures, 'after the shard SIGKILL').toEqual([]);

      // 4. The Cloud Map API throttles, then fails, for a minute or more in all: the last good membership serves.
      // Each fault lasts until the double has refused a dozen discovery polls and the readers have made a
      // hundred reads through it (however long a loaded machine takes), and at least half a minute.
      for (const fault of ['throttle', 'fail'] as const) {
        const polls = discoveryPolls(double);
        if (fault === 'throttle') double.throttle(STEP_TIMEOUT_MS);
        else double.fail(STEP_TIMEOUT_MS, { status: 503 });
        await Promise.all([sleep(OUTAGE_MIN_MS), readers.more(100), until(() => discoveryPolls(double) - polls >= OUTAGE_MIN_POLLS, STEP_TIMEOUT_MS, `${OUTAGE_MIN_POLLS} discovery polls refused`)]);
        double.clearFaults();
      }
      await readers.more(20);
      expect(readers.failures, 'through the Cloud Map outage').toEqual([]);
      console.log(`membership under load: ${readers.reads} reads checked, 0 failed`);
    } finally {
      await readers?.stop();
      connection?.close();
      extra?.child.kill('SIGTERM');
      if (extra) await exitCode(extra.child);
      up.child.kill('SIGINT');
      expect(await exitCode(up.child)).toBe(0);
    }
  });
});

/** Waits until the cluster file shows what `test` looks for (a process restarted under a new pid). */
async function replaced(dataDir: string, test: (file: ClusterFile) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const file = JSON.parse(await readFile(join(dataDir, 'cluster.json'), 'utf8')) as ClusterFile;
    if (test(file)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${STEP_TIMEOUT_MS} ms waiting for ${what}`);
    await sleep(200);
  }
}

/** Discovery polls the double has been sent (answered or refused). */
function discoveryPolls(double: CloudMapDouble): number {
  return double.calls('DiscoverInstances') + double.calls('DiscoverInstancesRevision');
}
