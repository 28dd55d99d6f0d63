import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PostgresStore, PostgresWriterLease } from '@florin/store';
import { postgresUrl, until } from '@florin/test-support';
import { sampleFrame } from './contract.js';

const url = await postgresUrl('PostgresWriterLease');
const schema = `florin_lease_${process.pid}_${randomBytes(4).toString('hex')}`;
const TTL_MS = 400;

/**
 * One writer per partition among the shard tasks sharing a PostgreSQL store:
 * the lease row in <schema>.shard_writers, renewal, takeover, and the fence in
 * the store's write transaction. Real PostgreSQL, several leases and stores on
 * one schema as several shard tasks would have.
 */
describe.skipIf(!url)('PostgresWriterLease (one writer per partition)', () => {
  const open: { close(): Promise<void> }[] = [];
  let partition = 0;
  const lease = (holder: string, p: number, ttlMs = TTL_MS): PostgresWriterLease => track(new PostgresWriterLease({ url: url!, schema, partition: p, holder, ttlMs }));
  const store = async (fence?: PostgresWriterLease): Promise<PostgresStore> => {
    const s = track(new PostgresStore({ url: url!, schema }));
    await s.open();
    s.fenceWrites(fence);
    return s;
  };
  function track<T extends { close(): Promise<void> }>(x: T): T {
    open.push(x);
    return x;
  }
  const sql = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  };

  afterEach(async () => {
    for (const x of open.splice(0).reverse()) await x.close();
    partition++;
  });
  afterAll(async () => {
    await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it('two holders: the first is the writer, the second a standby that names it; the writer renews', async () => {
    const a = lease('shard-0@a:1', partition);
    const b = lease('shard-0@b:1', partition);
    await a.start();
    await b.start();
    expect([a.state, a.isWriter, a.epoch]).toEqual(['writer', true, 1]);
    expect([b.state, b.isWriter, b.writer]).toEqual(['standby', false, 'shard-0@a:1']);
    expect(() => a.assertWriter()).not.toThrow();
    expect(() => b.assertWriter()).toThrow(expect.objectContaining({ code: 'FAILED_PRECONDITION', message: expect.stringContaining('the writer is shard-0@a:1') }));
    // Several ttls later the writer is still the writer (renewed every ttl/3) and the standby never took over.
    const before = await sql<{ expires: Date }>(`SELECT expires FROM "${schema}".shard_writers WHERE partition = $1`, [partition]);
    await new Promise((r) => setTimeout(r, TTL_MS * 3));
    const after = await sql<{ holder: string; expires: Date; epoch: string }>(`SELECT holder, expires, epoch FROM "${schema}".shard_writers WHERE partition = $1`, [partition]);
    expect(after[0]!.holder).toBe('shard-0@a:1');
    expect(after[0]!.epoch).toBe('1');
    expect(after[0]!.expires.getTime()).toBeGreaterThan(before[0]!.expires.getTime());
    expect([a.isWriter, b.isWriter]).toEqual([true, false]);
    // Another partition has its own writer.
    const other = lease('shard-1@b:1', partition + 1000);
    await other.start();
    expect(other.isWriter).toBe(true);
  });

  it('fencing: a non-writer store writes nothing, even when it thinks it is the writer', async () => {
    const a = lease('shard-0@a:2', partition);
    const b = lease('shard-0@b:2', partition);
    await a.start();
    await b.start();
    const storeA = await store(a);
    const storeB = await store(b);
    const dataset = `fence_${partition}`;
    await storeA.createDataset({ name: dataset, fields: ['close'], frequency: '1d' });
    expect(await storeA.write(dataset, [sampleFrame('X', 0, ['close'], 10)])).toBe(10);
    await expect(storeB.write(dataset, [sampleFrame('Y', 0, ['close'], 10)])).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringContaining('the writer is shard-0@a:2') });
    expect(await storeA.countRows(dataset)).toBe(10);

    // The lease changes hands behind the writer's back (as when it paused past its ttl and the standby took over):
    // the old writer's next write is refused by the store's fence, whether or not it has noticed yet.
    await sql(`UPDATE "${schema}".shard_writers SET holder = $2, epoch = epoch + 1, expires = clock_timestamp() + interval '2 seconds' WHERE partition = $1`, [partition, 'shard-0@b:2']);
    await expect(storeA.write(dataset, [sampleFrame('Z', 0, ['close'], 5)])).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringContaining('the writer is shard-0@b:2') });
    await until(() => b.isWriter, 5_000, 'the standby to see it holds the lease');
    expect(b.epoch).toBe(2);
    expect(await storeB.write(dataset, [sampleFrame('Y', 0, ['close'], 7)])).toBe(7);
    expect(await storeA.countRows(dataset)).toBe(17);
    expect(await storeA.symbols(dataset)).toEqual(['X', 'Y']);
    await until(() => !a.isWriter, 2_000, 'the old writer to notice');
    expect(a.state).toBe('standby');
  });

  it('writes never interleave: a takeover waits for the old writer’s open write transaction', async () => {
    const a = lease('shard-0@a:3', partition);
    const b = lease('shard-0@b:3', partition);
    await a.start();
    await b.start();
    // An open write transaction of the writer, fenced as PostgresStore fences it (the lease row FOR SHARE).
    const tx = new pg.Client({ connectionString: url });
    await tx.connect();
    try {
      await tx.query('BEGIN');
      await a.check((text, values) => tx.query(text, values));
      // The writer gives the lease up (a graceful stop) and stops renewing: its release waits for the transaction.
      const released = a.close();
      await new Promise((r) => setTimeout(r, TTL_MS * 2));
      expect(b.isWriter, 'no takeover while the old writer has a write open').toBe(false);
      const committedAt = Date.now();
      await tx.query('COMMIT');
      await released;
      await until(() => b.isWriter, 5_000, 'the standby to take over after the commit');
      expect(Date.now()).toBeGreaterThanOrEqual(committedAt);
      expect(b.epoch).toBe(2);
    } finally {
      await tx.end();
    }
  });

  it('a writer that stops without releasing (a crash) is replaced within ttl + ttl/5', async () => {
    const ttl = 600;
    await lease('table-maker', partition + 1000).start(); // the table exists
    // The row a writer left when it died right after a renewal: valid for a full ttl from now, never renewed again.
    const diedAt = Date.now(); // no later than the renewal the row records
    await sql(`INSERT INTO "${schema}".shard_writers (partition, holder, expires, epoch) VALUES ($1, 'shard-0@dead:4', clock_timestamp() + make_interval(secs => $2::float8 / 1000), 1)`, [partition, ttl]);
    const b = lease('shard-0@b:4', partition, ttl);
    await b.start();
    expect([b.isWriter, b.writer]).toEqual([false, 'shard-0@dead:4']);
    await until(() => b.isWriter, 5_000, 'the standby to take over from the dead writer');
    const takeoverMs = Date.now() - diedAt;
    console.log(`writer lease takeover after a crash: ${takeoverMs} ms (ttl ${ttl} ms, bound ttl + ttl/5 = ${ttl + ttl / 5} ms)`);
    expect(takeoverMs).toBeGreaterThanOrEqual(ttl - 20); // never before the lease ran out
    expect(takeoverMs).toBeLessThanOrEqual(ttl + ttl / 5 + 500); // slack for the insert's round trip on a loaded machine
    expect(b.epoch).toBe(2);
  });

  it('rejects bad options with a precise message', () => {
    expect(() => new PostgresWriterLease({ url: 'mysql://x', partition: 0, holder: 'a' })).toThrow(/postgres:\/\//);
    expect(() => new PostgresWriterLease({ url: url!, partition: -1, holder: 'a' })).toThrow('partition must be a non-negative integer, got -1');
    expect(() => new PostgresWriterLease({ url: url!, partition: 0, holder: '' })).toThrow('holder must be a non-empty string');
    expect(() => new PostgresWriterLease({ url: url!, partition: 0, holder: 'a', ttlMs: 10 })).toThrow('ttlMs must be an integer of at least 100, got 10');
  });
});
