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

  it('groups non-durable transactions apart, committed without fsync (synchronous NORMAL), and durable ones with it', async () => {
    const path = join(dir, 'lazy.sqlite');
    const driver = new SqliteDriver(path);
    driver.exec('CREATE TABLE l (id INTEGER PRIMARY KEY, sync INTEGER NOT NULL)');
    // Queued in one turn: lazy, lazy, durable, lazy, durable. The first group takes the two lazy ones and stops at the
    // durable one; the second (durable) group takes the rest, lazy ones included.
    const kinds = [false, false, true, false, true];
    const syncs = await Promise.all(
      kinds.map((durable, id) =>
        driver.transaction(
          async (tx) => {
            const [row] = await tx.all<{ synchronous: number }>('PRAGMA synchronous');
            await tx.run('INSERT INTO l (id, sync) VALUES (?, ?)', [id, row!.synchronous]);
            return row!.synchronous;
          },
          { durable },
        ),
      ),
    );
    // PRAGMA synchronous: 1 = NORMAL (no fsync at commit in WAL mode), 2 = FULL.
    expect(syncs).toEqual([1, 1, 2, 2, 2]);
    expect(driver.commitStats).toEqual({ transactions: 5, groups: 2, lazyGroups: 1 });
    // A later durable transaction alone runs with FULL again.
    expect(await driver.transaction(async (tx) => (await tx.all<{ synchronous: number }>('PRAGMA synchronous'))[0]!.synchronous)).toBe(2);
    const reader = new Database(path, { readonly: true });
    expect(reader.prepare('SELECT id, sync FROM l ORDER BY id').all()).toEqual(syncs.map((sync, id) => ({ id, sync })));
    reader.close();
    await driver.close();
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
