import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type FlorinConnection } from '@florin/client';
import { shardFor, type SeriesFrame } from '@florin/core';
import { createDiscovery } from '@florin/discovery';
import { LocalCluster } from '@florin/cli';
import { generateMarket, PostgresStore } from '@florin/store';
import { bits, postgresUrl, until } from '@florin/test-support';

const PG_URL = await postgresUrl('florin up --shard-tasks (writer failover)');
const MARKET = { symbols: 12, years: 2, seed: 5 };
const DATASET = 'failover_writes';
const DAY = 86_400_000;
/** Rows per key the writes cycle over (each write overwrites one row of every key). */
const SLOTS = 40;
/** The default writer lease (--writer-lease-ms): a dead writer is replaced within ttl + ttl/5. */
const TTL_MS = 5_000;

/**
 * Several shard tasks per partition on PostgreSQL (`florin up --store postgres:// --shard-tasks 2`):
 * with reads and writes running through the SDK, the writer task of partition 0 is SIGKILLed. Reads keep
 * succeeding (the other task serves them), writes resume once the standby takes the writer lease (within
 * ttl + ttl/5, plus the router's retry pause), and the store holds every acknowledged write, with the last
 * acknowledged value of every row (a stale writer never wrote late: nothing interleaved).
 */
describe.skipIf(!PG_URL)('shard writer failover (florin up --shard-tasks 2 on PostgreSQL)', () => {
  const schema = `florin_failover_${randomBytes(4).toString('hex')}`;
  const url = `${PG_URL}${PG_URL?.includes('?') ? '&' : '?'}schema=${schema}`;
  let dir: string | undefined;
  let cluster: LocalCluster | undefined;
  let connection: FlorinConnection | undefined;
  const logLines: string[] = [];

  afterAll(async () => {
    connection?.close();
    await cluster?.stop();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.query(`DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`);
    } finally {
      await client.end();
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('SIGKILL of a partition’s writer task: reads never fail, writes resume within the lease bound, nothing lost or interleaved', { timeout: 180_000 }, async (context) => {
    context.onTestFailed(() => console.log(logLines.filter((l) => !/"level":30,.*"name":"(unit|head)"/.test(l)).slice(-60).join('\n')));
    dir = await mkdtemp(join(tmpdir(), 'florin-failover-'));
    cluster = new LocalCluster({
      dataDir: join(dir, 'data'),
      shards: 2,
      shardTasks: 2,
      heads: 1,
      host: '127.0.0.1',
      market: MARKET,
      headArgs: [],
      qcus: 0,
      store: url,
      restart: { minBackoffMs: 100, maxBackoffMs: 1_000 },
      log: (line) => void logLines.push(line),
    });
    const info = await cluster.start();
    expect(info.shards.map((s) => [s.id, s.task])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    connection = connect({ discovery: createDiscovery({ kind: 'local', directory: join(dir, 'data', 'discovery') }), coordinatorService: null });
    await connection.ready(30_000);
    const data = connection.data;
    await data.createDataset({ name: DATASET, fields: ['v'], frequency: '1d' });
    const keys = ['WA', 'WB', 'WC', 'WD', 'WE', 'WF', 'WG', 'WH'].filter((k) => shardFor(DATASET, k, 2) === 0).slice(0, 3);
    expect(keys.length).toBeGreaterThan(0);

    const market = generateMarket(MARKET);
    let stopped = false;
    const readFailures: string[] = [];
    let readsOk = 0;
    const reads = (async () => {
      for (let i = 0; !stopped; i++) {
        const symbol = market.symbols[i % market.symbols.length]!;
        const full = market.frame(symbol);
        const range = { start: full.timestamps[i % 200]!, end: full.timestamps[(i % 200) + 60]! };
        try {
          const [frame] = await data.read({ dataset: 'bars', symbols: [symbol], fields: ['close'], range });
          const close = full.columns[full.fields.indexOf('close')]!.subarray(i % 200, (i % 200) + 60);
          if (!frame || !bits(frame.columns[0]!).equals(bits(close))) readFailures.push(`wrong answer for ${symbol}`);
          else readsOk++;
        } catch (err) {
          readFailures.push((err as Error).message);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    // Sequential writes: write n sets row (n mod SLOTS) of every key to n. Acknowledged times are recorded.
    const acked: { n: number; at: number }[] = [];
    const writeFailures: string[] = [];
    const writes = (async () => {
      for (let n = 1; !stopped; n++) {
        const frames: SeriesFrame[] = keys.map((symbol) => ({ symbol, fields: ['v'], timestamps: Float64Array.of((n % SLOTS) * DAY), columns: [Float64Array.of(n)] }));
        try {
          await data.write(DATASET, ['v'], frames);
          acked.push({ n, at: Date.now() });
        } catch (err) {
          writeFailures.push(`write ${n}: ${(err as Error).message}`);
        }
      }
    })();

    await until(() => acked.length >= 20 && readsOk >= 20, 30_000, 'reads and writes under way');
    // The writer of partition 0, as the lease table names it: shard-0@<address>.
    const pgClient = new pg.Client({ connectionString: PG_URL });
    await pgClient.connect();
    let holder: string;
    try {
      holder = (await pgClient.query<{ holder: string }>(`SELECT holder FROM ${schema}.shard_writers WHERE partition = 0`)).rows[0]!.holder;
    } finally {
      await pgClient.end();
    }
    const address = holder.slice(holder.indexOf('@') + 1);
    const task = cluster.cluster.shards.find((s) => s.id === 0 && s.address === address);
    expect(task, `the writer ${holder} is one of partition 0's tasks`).toBeDefined();
    const victim = cluster.service(`shard-0.${task!.task}`);
    const killedAt = Date.now();
    process.kill(victim.current.pid, 'SIGKILL');
    await until(() => acked.some((a) => a.at > killedAt + 100) && acked.filter((a) => a.at > killedAt).length >= 20, 40_000, 'writes to resume');
    // The write outage: the longest wait between two acknowledgements from the kill on (a write in flight at
    // the kill may still be acknowledged by the dying writer; the next ones wait for the standby's takeover).
    const afterKill = acked.filter((a, i) => i > 0 && a.at > killedAt);
    const gaps = afterKill.map((a) => ({ n: a.n, ms: a.at - Math.max(killedAt, acked[acked.indexOf(a) - 1]!.at) }));
    const worst = gaps.reduce((m, g) => (g.ms > m.ms ? g : m), gaps[0]!);
    const resumeMs = worst.ms;
    const readsAfter = readsOk;
    await until(() => readsOk >= readsAfter + 20, 20_000, 'reads after the failover');
    stopped = true;
    await Promise.all([reads, writes]);
    console.log(
      `writer failover: SIGKILL of ${holder}; the longest write wait after it ${resumeMs} ms, before write ${worst.n} (bound ttl + ttl/5 = ${TTL_MS + TTL_MS / 5} ms, plus the router's retry pause of up to 1 s); ${acked.length} writes, ${readsOk} reads, 0 failed`,
    );

    expect(readFailures, 'reads that failed').toEqual([]);
    expect(writeFailures, 'writes that failed beyond the router retries').toEqual([]);
    expect(resumeMs).toBeLessThanOrEqual(TTL_MS + TTL_MS / 5 + 1_500);

    // Every acknowledged write is in the store, and every row holds the last acknowledged value written to it.
    const store = new PostgresStore({ url: PG_URL!, schema });
    await store.open();
    try {
      const frames = await store.read({ dataset: DATASET, symbols: keys, fields: ['v'], range: { start: 0, end: SLOTS * DAY } });
      const last = acked.at(-1)!.n;
      const expectedRows = Array.from({ length: SLOTS }, (_, slot) => ({ slot, n: lastWriteOf(slot, last) })).filter((r) => r.n > 0);
      for (const frame of frames) {
        expect([...frame.timestamps]).toEqual(expectedRows.map((r) => r.slot * DAY).sort((a, b) => a - b));
        const bySlot = new Map([...frame.timestamps].map((t, i) => [t / DAY, frame.columns[0]![i]!]));
        for (const r of expectedRows) expect(bySlot.get(r.slot), `${frame.symbol} row ${r.slot}`).toBe(r.n);
      }
      expect(frames.map((f) => f.symbol)).toEqual(keys);
    } finally {
      await store.close();
    }
    // The partition has a new writer (epoch 2), and the killed task was replaced (a standby now).
    await until(() => victim.restartCount > 0, 20_000, 'the killed task to be replaced');
    expect(logLines.some((l) => /is now the writer of partition 0 \(epoch 2\)/.test(l)), 'a standby took partition 0 over').toBe(true);
  });
});

/** The last write n <= last that touched `slot` (writes are numbered from 1; write n touches n mod SLOTS). */
function lastWriteOf(slot: number, last: number): number {
  const n = last - ((((last - slot) % SLOTS) + SLOTS) % SLOTS);
  return n >= 1 ? n : 0;
}
