import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteDriver } from '../src/store/sqlite-driver.js';

const here = dirname(fileURLToPath(import.meta.url));
const builtDriver = pathToFileURL(join(here, '..', 'dist', 'store', 'sqlite-driver.js')).href;

describe('SqliteDriver group commit', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'florin-group-commit-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('commits concurrent transactions in shared groups; one that throws leaves only its own changes out', async () => {
    const path = join(dir, 'groups.sqlite');
    const driver = new SqliteDriver(path);
    driver.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    const reader = new Database(path, { readonly: true });
    const seenAtAnswer: (string | undefined)[] = [];
    const outcomes = await Promise.allSettled(
      Array.from({ length: 300 }, (_, id) =>
        driver.transaction(async (tx) => {
          await tx.run('INSERT INTO t (id, v) VALUES (?, ?)', [id, `row ${id}`]);
          await tx.run('UPDATE t SET v = v || ? WHERE id = ?', ['!', id]);
          if (id % 7 === 3) throw new Error(`unit ${id} refused`);
          return id;
        }).then((value) => {
          // Answered only after COMMIT: another connection already sees the row.
          seenAtAnswer[value] = (reader.prepare('SELECT v FROM t WHERE id = ?').get(value) as { v: string } | undefined)?.v;
          return value;
        }),
      ),
    );
    outcomes.forEach((o, id) => {
      if (id % 7 === 3) expect(o).toEqual({ status: 'rejected', reason: new Error(`unit ${id} refused`) });
      else expect(o).toEqual({ status: 'fulfilled', value: id });
    });
    const rows = reader.prepare('SELECT id, v FROM t ORDER BY id').all() as { id: number; v: string }[];
    const expected = Array.from({ length: 300 }, (_, id) => id).filter((id) => id % 7 !== 3);
    expect(rows).toEqual(expected.map((id) => ({ id, v: `row ${id}!` })));
    for (const id of expected) expect(seenAtAnswer[id]).toBe(`row ${id}!`);
    const stats = driver.commitStats;
    expect(stats.transactions).toBe(300);
    expect(stats.groups).toBeLessThan(10);
    reader.close();
    await driver.close();
    await driver.close();
    await expect(driver.all('SELECT 1')).rejects.toThrow(/is closed/);
  });

  it('commits without fsync on the event loop; durable transactions are answered after a WAL flush, non-durable ones at COMMIT', async () => {
    const path = join(dir, 'lazy.sqlite');
    const driver = new SqliteDriver(path);
    driver.exec('CREATE TABLE l (id INTEGER PRIMARY KEY, sync INTEGER NOT NULL)');
    // Queued in one turn, so one group: lazy write, durable write, lazy write, read.
    const answered: number[] = [];
    const write = (id: number, durable: boolean) =>
      driver.transaction(
        async (tx) => {
          const [row] = await tx.all<{ synchronous: number }>('PRAGMA synchronous');
          await tx.run('INSERT INTO l (id, sync) VALUES (?, ?)', [id, row!.synchronous]);
          return row!.synchronous;
        },
        { durable },
      ).finally(() => answered.push(id));
    // Reads are non-durable (SqlJobStore's): still answered only once what they saw is on disk.
    const read = () => driver.transaction(async (tx) => (await tx.all<{ n: number }>('SELECT count(*) AS n FROM l'))[0]!.n, { durable: false }).finally(() => answered.push(3));
    const syncs = await Promise.all([write(0, false), write(1, true), write(2, false), read()]);
    // PRAGMA synchronous 1 = NORMAL: COMMIT itself never fsyncs.
    expect(syncs).toEqual([1, 1, 1, 3]);
    // The non-durable writes at COMMIT; the durable write and the read (it saw that write) after the flush.
    expect(answered).toEqual([0, 2, 1, 3]);
    expect(driver.commitStats).toEqual({ transactions: 4, groups: 1, flushes: 1 });
    // A read with nothing left to flush, and a non-durable write alone, flush nothing.
    expect(await driver.all('SELECT id FROM l ORDER BY id')).toEqual([{ id: 0 }, { id: 1 }, { id: 2 }]);
    expect(await write(4, false)).toBe(1);
    expect(await driver.all<{ n: number }>('SELECT count(*) AS n FROM l')).toEqual([{ n: 4 }]);
    expect(driver.commitStats).toEqual({ transactions: 7, groups: 4, flushes: 1 });
    // A durable write alone flushes again.
    expect(await write(5, true)).toBe(1);
    expect(driver.commitStats.flushes).toBe(2);
    // onCommitted runs at COMMIT, before the answer that waits for the flush; not for a transaction rolled back.
    const order: string[] = [];
    const committed = driver
      .transaction(async (tx) => (await tx.run('INSERT INTO l (id, sync) VALUES (?, ?)', [6, 1])) + 5, { onCommitted: (v) => order.push(`committed ${v}`) })
      .then((v) => order.push(`answered ${v}`));
    const refused = driver.transaction(async () => Promise.reject(new Error('no')), { onCommitted: () => order.push('never') }).catch((err: Error) => order.push(err.message));
    await Promise.all([committed, refused]);
    expect(order).toEqual(['committed 6', 'no', 'answered 6']);
    expect(driver.commitStats.flushes).toBe(3);
    await driver.close();
    // synchronous NORMAL: no flush at all.
    const normal = new SqliteDriver(join(dir, 'normal.sqlite'), { synchronous: 'NORMAL' });
    normal.exec('CREATE TABLE n (id INTEGER PRIMARY KEY)');
    await Promise.all([normal.run('INSERT INTO n (id) VALUES (1)'), normal.run('INSERT INTO n (id) VALUES (2)')]);
    expect(normal.commitStats).toEqual({ transactions: 2, groups: 1, flushes: 0 });
    await normal.close();
  });

  it('a constraint error in one transaction does not fail the group', async () => {
    const driver = new SqliteDriver(join(dir, 'constraint.sqlite'));
    driver.exec('CREATE TABLE u (k TEXT PRIMARY KEY)');
    const [a, b, c] = await Promise.allSettled([
      driver.run('INSERT INTO u (k) VALUES (?)', ['x']),
      driver.run('INSERT INTO u (k) VALUES (?)', ['x']),
      driver.run('INSERT INTO u (k) VALUES (?)', ['y']),
    ]);
    expect(a).toEqual({ status: 'fulfilled', value: 1 });
    expect(b.status).toBe('rejected');
    expect(String((b as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint failed/);
    expect(c).toEqual({ status: 'fulfilled', value: 1 });
    expect(await driver.all('SELECT k FROM u ORDER BY k')).toEqual([{ k: 'x' }, { k: 'y' }]);
    await driver.close();
  });

  it('every transaction answered before a SIGKILL is in the file afterwards', async () => {
    const path = join(dir, 'killed.sqlite');
    // A child process commits transactions as fast as it can, printing each id once it is answered.
    const script = `
      import { SqliteDriver } from ${JSON.stringify(builtDriver)};
      const driver = new SqliteDriver(${JSON.stringify(path)});
      driver.exec('CREATE TABLE k (id INTEGER PRIMARY KEY)');
      let next = 0;
      async function writer() {
        for (;;) {
          const id = next++;
          await driver.run('INSERT INTO k (id) VALUES (?)', [id]);
          process.stdout.write(id + '\\n');
        }
      }
      for (let i = 0; i < 32; i++) void writer();
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const answered: number[] = [];
    const lines = createInterface({ input: child.stdout });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve) =>
      lines.on('line', (line) => {
        answered.push(Number(line));
        if (answered.length === 2_000) resolve();
      }),
    );
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const db = new Database(path, { readonly: true });
    const present = new Set((db.prepare('SELECT id FROM k').all() as { id: number }[]).map((r) => r.id));
    db.close();
    const missing = answered.filter((id) => !present.has(id));
    expect(missing).toEqual([]);
  }, 60_000);
});
