import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTime, type SeriesFrame } from '@florin/core';
import { DuckDbStore, generateMarket, PartitionedStore } from '@florin/store';
import { ShardClient } from '@florin/shard-client';
import { exitCode, runCli, startCli } from '@florin/test-support';

const MARKET = { symbols: 12, years: 2, seed: 7 };

describe('florin CLI against real processes', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'florin-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates a partitioned market, serves it with `florin up`, and `data get` prints exactly what is stored', { timeout: 240_000 }, async () => {
    const dataDir = join(dir, 'cluster');
    const gen = await runCli(['data', 'generate', '--data-dir', dataDir, '--shards', '2', '--symbols', String(MARKET.symbols), '--years', String(MARKET.years), '--seed', String(MARKET.seed)]);
    expect(gen.code, gen.stderr).toBe(0);
    const market = generateMarket(MARKET);
    expect(gen.stdout).toContain(`wrote ${market.rowCount} rows`);

    const up = await startCli(['up', '--data-dir', dataDir, '--shards', '2', '--heads', '2', '--symbols', String(MARKET.symbols), '--years', String(MARKET.years), '--seed', String(MARKET.seed)], /Ctrl-C stops it/, { timeoutMs: 150_000 });
    try {
      const cluster = JSON.parse(await readFile(join(dataDir, 'cluster.json'), 'utf8')) as { heads: unknown[]; shards: unknown[] };
      expect(cluster.shards).toHaveLength(2);
      expect(cluster.heads).toHaveLength(2);
      const symbols = market.symbols.slice(0, 3);
      const get = await runCli(['data', 'get', '--data-dir', dataDir, '--symbols', symbols.join(','), '--from', '2025-03-01', '--to', '2025-04-01', '--format', 'csv']);
      expect(get.code, get.stderr).toBe(0);
      const expected = market.symbols
        .slice(0, 3)
        .map((s) => market.frame(s))
        .map((f) => sliceByTime(f, parseTime('2025-03-01'), parseTime('2025-04-01')));
      expect(parseCsv(get.stdout)).toEqual(expected.flatMap(csvRows));
    } finally {
      up.child.kill('SIGINT');
      expect(await exitCode(up.child)).toBe(0);
    }
    expect(existsSync(join(dataDir, 'cluster.json'))).toBe(false);

    // Offline again: every series lives on the shard the partition function names.
    const store = new PartitionedStore([0, 1].map((id) => new DuckDbStore({ path: join(dataDir, `shard-${id}.duckdb`) })));
    await store.open();
    try {
      expect(await store.countRows('bars')).toBe(market.rowCount);
    } finally {
      await store.close();
    }
  });

  it('`florin shard` drains on SIGTERM: an in-flight read completes, then it exits 0', async () => {
    const file = join(dir, 'single.duckdb');
    const gen = await runCli(['data', 'generate', '--store', file, '--symbols', '40', '--years', '10', '--seed', '1']);
    expect(gen.code, gen.stderr).toBe(0);
    const shard = await startCli(['shard', '--data', file, '--shard-id', '0', '--shard-count', '1', '--drain-ms', '20000'], /"event":"ready"/);
    const { address } = JSON.parse(shard.line) as { address: string };
    const client = new ShardClient(address);
    try {
      const market = generateMarket({ symbols: 40, years: 10, seed: 1 });
      await client.describe(); // connected, so the read below reaches the server before the signal
      const read = client.read({ dataset: 'bars', symbols: market.symbols, range: { start: 0, end: parseTime('2030-01-01') } });
      // Send SIGTERM while the read is in flight.
      await new Promise((r) => setTimeout(r, 20));
      shard.child.kill('SIGTERM');
      const frames = await read;
      expect(frames.reduce((n, f) => n + f.timestamps.length, 0)).toBe(market.rowCount);
      expect(await exitCode(shard.child)).toBe(0);
      expect(shard.stderr()).toContain('SIGTERM received; draining');
    } finally {
      client.close();
      shard.child.kill('SIGKILL');
    }
  });

  it('`florin data import` loads good rows, reports each bad row with its line and reason, and writes none of them', async () => {
    const csv = join(dir, 'prices.csv');
    await writeFile(
      csv,
      ['symbol,date,close,volume', 'AAA,2024-01-02,10.5,100', 'AAA,2024-01-03,not-a-price,100', 'AAA,2024-13-45,11,100', 'BBB,2024-01-02,20.25,300', ''].join('\n'),
    );
    const store = join(dir, 'import.duckdb');
    const res = await runCli(['data', 'import', csv, '--dataset', 'prices', '--store', store, '--json']);
    expect(res.code).toBe(2); // some rows were rejected
    const result = JSON.parse(res.stdout.trim().split('\n').pop()!) as { rowsLoaded: number; rowsRejected: number; rejections: { line: number; reason: string }[] };
    expect(result.rowsLoaded).toBe(2);
    expect(result.rowsRejected).toBe(2);
    expect(result.rejections.map((r) => r.line)).toEqual([3, 4]);
    expect(result.rejections[0]!.reason).toMatch(/close/);
    expect(result.rejections[1]!.reason).toMatch(/date/);
    const db = new DuckDbStore({ path: store });
    await db.open();
    try {
      const frames = await db.read({ dataset: 'prices', symbols: ['AAA', 'BBB'], fields: ['close', 'volume'], range: { start: 0, end: parseTime('2030-01-01') } });
      expect(frames.map((f) => [f.symbol, [...f.timestamps], [...f.columns[0]!]])).toEqual([
        ['AAA', [parseTime('2024-01-02')], [10.5]],
        ['BBB', [parseTime('2024-01-02')], [20.25]],
      ]);
    } finally {
      await db.close();
    }
  });

  it('answers bad flags and missing clusters with a clear message and a non-zero exit', async () => {
    const noCluster = await runCli(['data', 'get', '--data-dir', join(dir, 'none'), '--symbols', 'AAA', '--from', '2024-01-01', '--to', '2024-02-01']);
    expect(noCluster.code).toBe(1);
    expect(noCluster.stderr).toContain('start one with `florin up`');
    const badInt = await runCli(['shard', '--data', 'x.duckdb', '--shard-id', '-1', '--shard-count', '2']);
    expect(badInt.code).not.toBe(0);
    expect(badInt.stderr).toContain('--shard-id must be a non-negative integer');
    const tasksOnDuckDb = await runCli(['up', '--data-dir', join(dir, 'none'), '--shard-tasks', '2']);
    expect(tasksOnDuckDb.code).toBe(1);
    expect(tasksOnDuckDb.stderr).toContain('--shard-tasks 2 needs --store postgres://...: a DuckDB file has exactly one writer');
  });
});

function sliceByTime(f: SeriesFrame, start: number, end: number): SeriesFrame {
  const idx = [...f.timestamps.keys()].filter((i) => f.timestamps[i]! >= start && f.timestamps[i]! < end);
  return { ...f, timestamps: Float64Array.from(idx.map((i) => f.timestamps[i]!)), columns: f.columns.map((c) => Float64Array.from(idx.map((i) => c[i]!))) };
}

function csvRows(f: SeriesFrame): string[][] {
  return [...f.timestamps].map((t, i) => [f.symbol, new Date(t).toISOString().slice(0, 10), ...f.columns.map((c) => String(c[i]))]);
}

function parseCsv(text: string): string[][] {
  return text.trim().split('\n').slice(1).map((l) => l.split(','));
}
