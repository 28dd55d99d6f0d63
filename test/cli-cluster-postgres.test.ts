import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTime } from '@florin/core';
import { generateMarket } from '@florin/store';
import { exitCode, postgresUrl, runCli, startCli } from '@florin/test-support';

const PG_URL = await postgresUrl('florin up --store postgres://');
const MARKET = { symbols: 12, years: 2, seed: 7 };

// `florin up --store postgres://`: the deployment profile on one machine (shards and coordinator on PostgreSQL).
describe.skipIf(!PG_URL)('florin up --store postgres:// (the ECS profile on one machine)', () => {
  const schema = `florin_up_${randomBytes(4).toString('hex')}`;
  const dirs: string[] = [];

  afterAll(async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.query(`DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`);
    } finally {
      await client.end();
    }
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('seeds the market into PostgreSQL once, serves it from two shards, and runs a job with state in PostgreSQL', { timeout: 240_000 }, async () => {
    const url = `${PG_URL}${PG_URL!.includes('?') ? '&' : '?'}schema=${schema}`;
    const dataDir = await mkdtemp(join(tmpdir(), 'florin-up-pg-'));
    dirs.push(dataDir);
    const market = generateMarket(MARKET);
    const args = ['up', '--store', url, '--data-dir', dataDir, '--shards', '2', '--heads', '2', '--qcus', '1', '--symbols', String(MARKET.symbols), '--years', String(MARKET.years), '--seed', String(MARKET.seed)];

    const up = await startCli(args, /Ctrl-C stops it/, { timeoutMs: 150_000 });
    try {
      const get = await runCli(['data', 'get', '--data-dir', dataDir, '--symbols', market.symbols.slice(0, 3).join(','), '--from', '2025-03-03', '--to', '2025-03-06', '--fields', 'close', '--format', 'csv']);
      expect(get.code, get.stderr).toBe(0);
      const rows = get.stdout.trim().split('\n').slice(1);
      const expected = market.symbols.slice(0, 3).flatMap((symbol) => {
        const f = market.frame(symbol);
        const close = f.columns[f.fields.indexOf('close')]!;
        const out: string[] = [];
        for (let i = 0; i < f.timestamps.length; i++) {
          const t = f.timestamps[i]!;
          if (t >= parseTime('2025-03-03') && t < parseTime('2025-03-06')) out.push(`${symbol},${new Date(t).toISOString().slice(0, 10)},${close[i]}`);
        }
        return out;
      });
      expect(rows.map((r) => r.split(',').slice(0, 3).join(','))).toEqual(expected);

      const job = await runCli(['submit', '--data-dir', dataDir, '--unit', 'rolling_volatility', '--task-size', '4', '--json']);
      expect(job.code, job.stderr).toBe(0);
      const done = JSON.parse(job.stdout.trim().split('\n').at(-1)!) as { state: string; progress: { tasksSucceeded: number } };
      expect(done.state).toBe('succeeded');
      expect(done.progress.tasksSucceeded).toBe(3);
    } finally {
      up.child.kill('SIGINT');
      expect(await exitCode(up.child)).toBe(0);
    }

    // The job's state is in PostgreSQL, beside (not inside) the data schema; a second `up` reuses the market.
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const jobs = await client.query(`SELECT count(*)::int AS n FROM ${schema}_jobs.coord_jobs`);
      expect(jobs.rows[0]).toEqual({ n: 1 });
    } finally {
      await client.end();
    }
    const again = await startCli(args, /Ctrl-C stops it/, { timeoutMs: 150_000 });
    again.child.kill('SIGINT');
    expect(await exitCode(again.child)).toBe(0);
  });
});
