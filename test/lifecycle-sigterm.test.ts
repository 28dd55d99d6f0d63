import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type FlorinConnection, type Job } from '@florin/client';
import type { SeriesFrame } from '@florin/core';
import { createDiscovery } from '@florin/discovery';
import { LocalCluster } from '@florin/cli';
import { generateMarket } from '@florin/store';
import type { BacktestResult } from '@florin/examples';
import { TEST_UNITS, bits, expectBacktestEqualsReference, expectedMomentum, expectPublishedEqualsReference, marketUniverse, prng, until } from '@florin/test-support';

/**
 * Graceful SIGTERM under load, over the real processes of `florin up`
 * (LocalCluster: 2 shards, 2 heads, the coordinator, 2 QCUs, local registry).
 * Reads run all the time through the SDK (each answer checked against the
 * generated market) and a momentum job runs while each role gets SIGTERM as ECS
 * sends it: the process goes NOT_SERVING, deregisters, serves through the drain
 * notice (2 s on the local registry), drains, exits 0, and the cluster starts
 * its replacement. No client call may fail (the SDK's own retries aside), and
 * the job must finish with the reference results.
 */
const MARKET = { symbols: 16, years: 3, seed: 31 };
const RANGE = { start: Date.UTC(2024, 0, 1), end: Date.UTC(2026, 0, 1) };
const QUANTILE = 0.2;
const OUTPUT = 'sigterm_momentum';
/** Each task pauses this long first, so the job is still running through every SIGTERM. */
const PACE_MS = 3_000;
/** Between one role's SIGTERM and the next one's. */
const STAGGER_MS = 700;
const READERS = 3;
const expected = expectedMomentum(MARKET, marketUniverse(MARKET), RANGE);
const market = generateMarket(MARKET);

let dir: string;
let cluster: LocalCluster;
let connection: FlorinConnection;
const logLines: string[] = [];
const timeline: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'florin-sigterm-'));
  cluster = new LocalCluster({
    dataDir: join(dir, 'data'),
    shards: 2,
    heads: 2,
    host: '127.0.0.1',
    market: MARKET,
    headArgs: [],
    qcus: 2,
    units: TEST_UNITS,
    restart: { minBackoffMs: 100, maxBackoffMs: 1_000 },
    log: (line) => void logLines.push(line),
  });
  await cluster.start();
  connection = connect({ discovery: createDiscovery({ kind: 'local', directory: join(dir, 'data', 'discovery') }) });
  await connection.ready(30_000);
}, 120_000);

afterAll(async () => {
  console.log(`timeline: ${timeline.join('; ')}`);
  if (process.env.FLORIN_TEST_DEBUG) console.log(logLines.join("\n"));
  connection?.close();
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('SIGTERM to every role under load (florin up processes)', () => {
  it('no client call fails, every leaving process exits 0 after its drain notice, and the job completes with the reference results', { timeout: 240_000 }, async (context) => {
    context.onTestFailed(() => {
      console.log(logLines.filter((l) => /exited|replaced|drain|leaving|deregister|SIGTERM|error|warn/i.test(l)).slice(-80).join('\n'));
    });
    const started = Date.now();
    const reads = startReaders();
    const jobs = connection.jobs!;
    const handle = await jobs.submit({
      unit: 'momentum-paced',
      dataset: 'bars',
      symbols: 'all',
      startMs: RANGE.start,
      endMs: RANGE.end,
      taskSize: 1,
      params: { paceMs: PACE_MS, quantile: QUANTILE },
      outputDataset: OUTPUT,
      idempotencyKey: `sigterm-${Date.now()}`,
    });
    let finished: Job | undefined;
    const waiting = handle.wait().then((job) => (finished = job));
    waiting.catch(() => undefined); // observed below

    // Every role leaves, staggered by STAGGER_MS so the departures overlap (as a rolling deployment's would), each
    // while the job runs. The coordinator goes last, once the QCU has handed its work back: a QCU draining while no
    // coordinator answers cannot hand back, and its tasks would wait out their leases (correct, only slower).
    const replaced: Promise<void>[] = [];
    for (const name of ['qcu-0', 'head-0', 'shard-0', 'coordinator']) {
      if (name === 'coordinator') await until(() => logLines.some((l) => l.startsWith('qcu-0 exited')), 30_000, 'qcu-0 to finish its drain');
      await until(() => reads.count() > 0, 10_000, 'reads under way');
      expect(finished, `the job is still running when ${name} gets SIGTERM`).toBeUndefined();
      replaced.push(sigtermAndWaitForReplacement(name, started));
      await new Promise((r) => setTimeout(r, STAGGER_MS));
    }
    await Promise.all(replaced);
    timeline.push(`${Date.now() - started} ms: all replaced`);
    const job = await waiting;
    timeline.push(`${Date.now() - started} ms: job ${job.state}`);
    const readStats = await reads.stop();
    console.log(`SIGTERM under load: ${timeline.join('; ')}; ${readStats.ok} reads ok, ${readStats.failed.length} failed`);

    expect(readStats.failed, 'client calls that failed beyond the SDK retries').toEqual([]);
    expect(readStats.ok).toBeGreaterThan(50);
    expect(job.state).toBe('succeeded');
    expectPublishedEqualsReference(await handle.results(), expected);
    expectBacktestEqualsReference(job.result as BacktestResult, expected, QUANTILE);
    // Each server role went through the drain notice before draining; every leaving process exited 0.
    for (const name of ['head-0', 'shard-0', 'coordinator']) {
      expect(logLines.some((l) => l.startsWith(`[${name}]`) && l.includes('drain notice over')), `${name} served through its drain notice`).toBe(true);
    }
    for (const name of ['head-0', 'qcu-0', 'shard-0', 'coordinator']) {
      expect(logLines.some((l) => l.startsWith(`${name} exited unexpectedly (code 0)`)), `${name} exited 0`).toBe(true);
    }
  });
});

/** SIGTERM to the role's current process, then wait until the cluster runs its replacement. */
async function sigtermAndWaitForReplacement(name: string, started: number): Promise<void> {
  const service = cluster.service(name);
  const restarts = service.restartCount;
  const { pid } = service.current;
  timeline.push(`${Date.now() - started} ms: SIGTERM ${name}`);
  process.kill(pid, 'SIGTERM');
  await until(() => service.restartCount > restarts, 90_000, `${name} replaced after SIGTERM`);
  timeline.push(`${Date.now() - started} ms: ${name} replaced`);
}

interface ReadStats {
  ok: number;
  failed: string[];
}

/** READERS loops, each reading 3 symbols over a seeded random window of `bars` and checking the answer bit for bit. */
function startReaders(): { count(): number; stop(): Promise<ReadStats> } {
  let stopped = false;
  const stats: ReadStats = { ok: 0, failed: [] };
  const frames = new Map(market.symbols.map((s) => [s, market.frame(s)]));
  const loop = async (seed: number): Promise<void> => {
    const random = prng(seed);
    while (!stopped) {
      const symbols = [0, 1, 2].map(() => market.symbols[Math.floor(random() * market.symbols.length)]!);
      const unique = [...new Set(symbols)];
      const first = market.frame(unique[0]!).timestamps;
      const a = first[Math.floor(random() * (first.length - 40))]!;
      const range = { start: a, end: a + Math.floor(5 + random() * 300) * 86_400_000 };
      try {
        const answer = await connection.data.read({ dataset: 'bars', symbols: unique, fields: ['close'], range });
        const wrong = unique.filter((symbol, i) => !sameAsMarket(answer[i], frames.get(symbol)!, symbol, range));
        if (wrong.length > 0) stats.failed.push(`wrong answer for ${wrong.join(',')}`);
        else stats.ok++;
      } catch (err) {
        stats.failed.push(err instanceof Error ? err.message : String(err));
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const loops = Array.from({ length: READERS }, (_, i) => loop(1_000 + i));
  return {
    count: () => stats.ok,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      return stats;
    },
  };
}

function sameAsMarket(frame: SeriesFrame | undefined, full: ReturnType<typeof market.frame>, symbol: string, range: { start: number; end: number }): boolean {
  if (!frame || frame.symbol !== symbol) return false;
  const close = full.columns[full.fields.indexOf('close')]!;
  const idx: number[] = [];
  for (let i = 0; i < full.timestamps.length; i++) if (full.timestamps[i]! >= range.start && full.timestamps[i]! < range.end) idx.push(i);
  return bits(frame.timestamps).equals(bits(idx.map((i) => full.timestamps[i]!))) && bits(frame.columns[0]!).equals(bits(idx.map((i) => close[i]!)));
}
