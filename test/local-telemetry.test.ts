import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessStatsRow } from '@florin/telemetry';
import { generateMarket } from '@florin/store';
import { ProcessGroup, TEST_UNITS, runCli, type LaunchedProcess } from '@florin/test-support';

/**
 * `florin up --telemetry` runs an OTLP receiver inside the cluster and points every process at it;
 * `florin stats --once --json` prints what it received per process; `florin jobs logs` prints a
 * job's task log lines. All through the CLI, against real processes.
 */
const MARKET = { symbols: 4, years: 1, seed: 3 };
const SYMBOLS = generateMarket(MARKET).symbols;

const group = new ProcessGroup();
let dir: string;
let dataDir: string;
let up: LaunchedProcess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'florin-local-telemetry-'));
  dataDir = join(dir, 'cluster');
  const flags = ['--shards', '2', '--heads', '1', '--qcus', '1', '--units', TEST_UNITS, '--symbols', String(MARKET.symbols), '--years', String(MARKET.years), '--seed', String(MARKET.seed)];
  up = await group.launch('florin up', ['up', '--data-dir', dataDir, '--plaintext', ...flags, '--telemetry'], /Ctrl-C stops it/, 110_000);
  const info = JSON.parse(await readFile(join(dataDir, 'cluster.json'), 'utf8')) as { shards: { pid: number }[]; heads: { pid: number }[]; coordinator: { pid: number }; qcus: { pid: number }[] };
  for (const p of [...info.shards, ...info.heads, info.coordinator, ...info.qcus]) group.adopt(p.pid);
}, 120_000);

afterAll(async () => {
  try {
    if (up) await group.stop(up, 30_000, 'SIGINT');
  } finally {
    await group.killAll();
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

describe('florin up --telemetry, florin stats, florin jobs logs', () => {
  it('every process reports to the cluster receiver; stats show each one; logs come back', { timeout: 90_000 }, async () => {
    const info = JSON.parse(await readFile(join(dataDir, 'cluster.json'), 'utf8')) as { telemetry?: { endpoint: string; statsUrl?: string }; coordinator: { address: string }; heads: { address: string }[] };
    // Addresses from the cluster file: the CLI does not wait here for discovery to list the coordinator.
    const target = ['--coordinator', info.coordinator.address, '--heads', info.heads.map((h) => h.address).join(',')];
    expect(info.telemetry?.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(info.telemetry?.statsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/stats$/);

    const submit = await runCli(['submit', ...target, '--unit', 'momentum-paced', '--symbols', SYMBOLS.slice(0, 2).join(','), '--from', '2025-01-01', '--to', '2026-01-01', '--task-size', '1', '--json']);
    expect(submit.code, submit.stderr).toBe(0);
    const job = JSON.parse(submit.stdout.trim().split('\n').at(-1)!) as { jobId: string; state: string };
    expect(job.state).toBe('succeeded');

    // Metrics are pushed every 2 s: poll the stats endpoint (what `florin stats` reads) until every process has
    // reported and the coordinator has counted the finished job, then check the CLI prints the same processes.
    const fetchRows = async (): Promise<ProcessStatsRow[]> => ((await (await fetch(info.telemetry!.statsUrl!)).json()) as { processes: ProcessStatsRow[] }).processes;
    let rows: ProcessStatsRow[];
    const deadline = Date.now() + 30_000;
    for (;;) {
      rows = await fetchRows();
      const head = rows.find((r) => r.role === 'head');
      if (rows.length === 5 && head && head.cacheHitRatio !== null && head.amplification !== null && rows.find((r) => r.role === 'coordinator')?.queueDepth === 0) break;
      if (Date.now() > deadline) throw new Error(`stats did not show all 5 processes with their numbers: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const json = await runCli(['stats', '--data-dir', dataDir, '--once', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const printed = (JSON.parse(json.stdout) as { processes: ProcessStatsRow[] }).processes;
    expect(printed.map((r) => [r.role, r.instance, r.queueDepth])).toEqual(rows.map((r) => [r.role, r.instance, r.queueDepth]));
    expect(rows.map((r) => `${r.role}:${r.instance}`)).toEqual(['coordinator:coordinator', 'head:head-0', 'qcu:qcu-0', 'shard:shard-0', 'shard:shard-1']);
    const head = rows.find((r) => r.role === 'head')!;
    expect(head.cacheHitRatio).toBeGreaterThanOrEqual(0);
    expect(head.cacheHitRatio).toBeLessThanOrEqual(1);
    expect(head.amplification).toBeGreaterThan(0);
    for (const r of rows) if (r.role !== 'head') expect([r.cacheHitRatio, r.amplification]).toEqual([null, null]);

    const table = await runCli(['stats', '--data-dir', dataDir, '--once']);
    expect(table.code, table.stderr).toBe(0);
    for (const header of ['requests/s', 'p99', 'cache hit ratio', 'amplification', 'queue depth', 'head-0', 'coordinator']) expect(table.stdout).toContain(header);

    const logs = await runCli(['jobs', 'logs', job.jobId, ...target]);
    expect(logs.code, logs.stderr).toBe(0);
    // Two tasks, each logged start and done (the final step logged nothing, so it is not listed).
    expect(logs.stdout.match(/^--- task \S+ \(attempt \d+, \w+\)$/gm)).toEqual(['--- task 0 (attempt 1, succeeded)', '--- task 1 (attempt 1, succeeded)']);
    expect(logs.stdout.match(/fixture \{"event":"(start|done)"/g)).toHaveLength(4);
    const missing = await runCli(['jobs', 'logs', 'job-nope', ...target]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/unknown job "job-nope"/);
  });
});
