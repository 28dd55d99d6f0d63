import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataClient, type HeadStats } from '@florin/client';
import { ProcessGroup, runCli, type LaunchedProcess } from '@florin/test-support';

/**
 * `florin loadtest --fleet`: the load test as a job on the QCU fleet of a real
 * local cluster (`florin up`), each task a load generator on a QCU, one merged
 * report. Its counts must be the sums of the generators' counts, the same
 * requests as a single-process run of the same seed, and its hit ratio and
 * amplification those of the heads' own counters over the job. Then once on a
 * secure cluster, with the CA and token given as flags.
 */
const MARKET = { symbols: 12, years: 1, seed: 5 };

interface ClusterFile {
  heads: { id: string; address: string; pid: number }[];
  shards: { pid: number }[];
  coordinator: { address: string; pid: number };
  qcus: { pid: number }[];
  security?: { ca: string; serverName?: string; tokenFile: string; researcherTokenFile?: string };
}

interface FleetJson {
  requests: number;
  errors: number;
  clients: number;
  pointsServed: number;
  distinctPoints: number;
  upstreamPoints: number;
  amplification: number;
  hitRatio: number;
  cacheHits: number;
  cachePartialHits: number;
  cacheMisses: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  fleet: { jobId: string; generators: number; clientsPerGenerator: number; headRequests: number; headPointsServed: number; parts: { generator: number; requests: number; errors: number; pointsServed: number; p50Ms: number; p99Ms: number }[] };
}

const lastJson = <T>(stdout: string): T => JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
const sum = (stats: readonly HeadStats[], pick: (s: HeadStats) => number): number => stats.reduce((n, s) => n + pick(s), 0);

async function startCluster(group: ProcessGroup, dataDir: string, security: string[]): Promise<{ up: LaunchedProcess; info: ClusterFile }> {
  const flags = ['--shards', '2', '--heads', '1', '--qcus', '2', '--symbols', String(MARKET.symbols), '--years', String(MARKET.years), '--seed', String(MARKET.seed), '--no-dashboard'];
  const up = await group.launch('florin up', ['up', '--data-dir', dataDir, ...security, ...flags], /Ctrl-C stops it/, 110_000);
  const info = JSON.parse(await readFile(join(dataDir, 'cluster.json'), 'utf8')) as ClusterFile;
  for (const p of [...info.shards, ...info.heads, info.coordinator, ...info.qcus]) group.adopt(p.pid);
  return { up, info };
}

describe('florin loadtest --fleet on a plaintext cluster', () => {
  const group = new ProcessGroup();
  let dir: string;
  let dataDir: string;
  let up: LaunchedProcess;
  let info: ClusterFile;
  let heads: DataClient;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'florin-loadtest-fleet-'));
    dataDir = join(dir, 'cluster');
    ({ up, info } = await startCluster(group, dataDir, ['--plaintext']));
    heads = new DataClient({ heads: info.heads.map((h) => ({ id: h.id, address: h.address })) });
  }, 120_000);

  afterAll(async () => {
    try {
      heads?.close();
      if (up) await group.stop(up, 30_000, 'SIGINT');
    } finally {
      await group.killAll();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('merges the generators into one report whose counts are their sums and agree with the heads\' counters', { timeout: 120_000 }, async () => {
    const before = await heads.stats(false);
    const res = await runCli(['loadtest', '--data-dir', dataDir, '--fleet', '--tasks', '3', '--clients', '4', '--requests', '90', '--seed', '7', '--json'], { timeoutMs: 110_000 });
    expect(res.code, res.stderr + up.stderr().slice(-3000)).toBe(0);
    const after = await heads.stats(false);
    const json = lastJson<FleetJson>(res.stdout);
    expect(res.stdout).toContain('fleet (heads)');

    // Generator g of 3 sends requests g, g + 3, ... below 90: 30 each; the report's counts are their sums.
    const { parts } = json.fleet;
    expect(parts.map((p) => [p.generator, p.requests, p.errors])).toEqual([[0, 30, 0], [1, 30, 0], [2, 30, 0]]);
    expect(json).toMatchObject({ requests: 90, errors: 0, clients: 12, fleet: { generators: 3, clientsPerGenerator: 4 } });
    expect(json.pointsServed).toBe(parts.reduce((n, p) => n + p.pointsServed, 0));
    // Percentiles of the merged histogram lie within the generators' own.
    expect(json.p50Ms).toBeGreaterThanOrEqual(Math.min(...parts.map((p) => p.p50Ms)));
    expect(json.p50Ms).toBeLessThanOrEqual(Math.max(...parts.map((p) => p.p50Ms)));
    expect(json.p99Ms).toBeLessThanOrEqual(json.maxMs);

    // The heads saw exactly these reads (one head: one Read call per request), and the report's ratios are their counters'.
    const delta = (pick: (s: HeadStats) => number): number => sum(after, pick) - sum(before, pick);
    expect(delta((s) => s.requests)).toBe(90);
    expect(delta((s) => s.pointsServed)).toBe(json.pointsServed);
    expect({ hits: json.cacheHits, partial: json.cachePartialHits, misses: json.cacheMisses, upstream: json.upstreamPoints }).toEqual({
      hits: delta((s) => s.cacheHits),
      partial: delta((s) => s.cachePartialHits),
      misses: delta((s) => s.cacheMisses),
      upstream: delta((s) => s.upstreamPoints),
    });
    const lookups = json.cacheHits + json.cachePartialHits + json.cacheMisses;
    expect(json.hitRatio).toBeCloseTo(json.cacheHits / lookups, 4);
    expect(json.amplification).toBeCloseTo(json.upstreamPoints / json.distinctPoints, 4);

    // The same seed from one process sends the same 90 requests: the same points and the same distinct rows.
    const local = await runCli(['loadtest', '--data-dir', dataDir, '--clients', '12', '--requests', '90', '--seed', '7', '--json'], { timeoutMs: 60_000 });
    expect(local.code, local.stderr).toBe(0);
    const single = lastJson<FleetJson>(local.stdout);
    expect({ points: single.pointsServed, distinct: single.distinctPoints }).toEqual({ points: json.pointsServed, distinct: json.distinctPoints });

    // The job's result is the merged report, for any client of the coordinator.
    // Addresses from the cluster file: `jobs show` does not wait for discovery to list the coordinator.
    const show = await runCli(['jobs', 'show', json.fleet.jobId, '--coordinator', info.coordinator.address, '--heads', info.heads.map((h) => h.address).join(','), '--json'], { timeoutMs: 30_000 });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`"requests":90`);
  });

  it('refuses what the fleet cannot do, with a clear message, before submitting anything', { timeout: 60_000 }, async () => {
    const tooMany = await runCli(['loadtest', '--data-dir', dataDir, '--fleet', '--tasks', '13', '--requests', '10']);
    expect(tooMany.code).not.toBe(0);
    expect(tooMany.stderr).toContain("--tasks 13 is more than the universe's 12 symbols");
    const direct = await runCli(['loadtest', '--data-dir', dataDir, '--fleet', '--direct', '--requests', '10']);
    expect(direct.code).not.toBe(0);
    expect(direct.stderr).toContain('--fleet reads through the head nodes with aggregation on');
    const remote = await runCli(['loadtest', '--data-dir', dataDir, '--fleet', '--coordinator', '10.255.0.9:7300', '--requests', '10']);
    expect(remote.code).not.toBe(0);
    expect(remote.stderr).toContain('--coordinator: refusing "10.255.0.9:7300"');
  });
});

describe('florin loadtest on a secure cluster (TLS + tokens)', () => {
  const group = new ProcessGroup();
  let dir: string;
  let dataDir: string;
  let up: LaunchedProcess;
  let info: ClusterFile;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'florin-loadtest-secure-'));
    dataDir = join(dir, 'cluster');
    ({ up, info } = await startCluster(group, dataDir, []));
  }, 120_000);

  afterAll(async () => {
    try {
      if (up) await group.stop(up, 30_000, 'SIGINT');
    } finally {
      await group.killAll();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('runs on the fleet and from one process with --tls-ca and a researcher --token-file; without them it is refused', { timeout: 120_000 }, async () => {
    const security = info.security!;
    expect(security.researcherTokenFile).toBeDefined();
    // Another --data-dir (empty): nothing falls back to the cluster file's CA and admin token.
    const elsewhere = join(dir, 'elsewhere');
    const target = ['--heads', info.heads.map((h) => `${h.id}=${h.address}`).join(','), '--data-dir', elsewhere];
    const tls = ['--tls-ca', security.ca, ...(security.serverName ? ['--tls-server-name', security.serverName] : []), '--token-file', security.researcherTokenFile!];
    const symbols = await universeOf(dataDir);
    const universe = ['--universe', symbols.join(',')];

    const fleet = await runCli(['loadtest', ...target, '--coordinator', info.coordinator.address, ...tls, ...universe, '--fleet', '--tasks', '2', '--clients', '4', '--requests', '40', '--json'], { timeoutMs: 110_000 });
    expect(fleet.code, fleet.stderr + up.stderr().slice(-3000)).toBe(0);
    const merged = lastJson<FleetJson>(fleet.stdout);
    expect(merged).toMatchObject({ requests: 40, errors: 0, fleet: { generators: 2 } });
    expect(merged.fleet.parts.map((p) => p.requests)).toEqual([20, 20]);
    expect(merged.pointsServed).toBe(merged.fleet.parts.reduce((n, p) => n + p.pointsServed, 0));
    expect(merged.fleet.headPointsServed).toBe(merged.pointsServed);

    const single = await runCli(['loadtest', ...target, ...tls, ...universe, '--clients', '4', '--requests', '40', '--json'], { timeoutMs: 60_000 });
    expect(single.code, single.stderr).toBe(0);
    expect(lastJson<FleetJson>(single.stdout)).toMatchObject({ requests: 40, errors: 0, pointsServed: merged.pointsServed, distinctPoints: merged.distinctPoints });

    const noTls = await runCli(['loadtest', ...target, ...universe, '--requests', '4', '--deadline-ms', '3000'], { timeoutMs: 60_000 });
    expect(noTls.code).not.toBe(0);
    const noToken = await runCli(['loadtest', ...target, '--tls-ca', security.ca, ...(security.serverName ? ['--tls-server-name', security.serverName] : []), ...universe, '--requests', '4'], { timeoutMs: 60_000 });
    expect(noToken.code).not.toBe(0);
    expect(noToken.stderr).toContain('UNAUTHENTICATED');
  });
});

/** The sample market's symbols, as `florin up` recorded them (market.json), through the CLI's own reader. */
async function universeOf(dataDir: string): Promise<string[]> {
  const { readMarketManifest, marketOfManifest } = await import('@florin/cli');
  const manifest = await readMarketManifest(dataDir);
  return [...marketOfManifest(manifest!).symbols];
}
