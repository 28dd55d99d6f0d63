import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqlDriver, SqlExecutor, SqlValue } from './sql-driver.js';

/**
 * Durability of a commit (PRAGMA synchronous in WAL mode):
 * - FULL (default): the WAL is fsync'ed at every commit, so an acknowledged
 *   change survives SIGKILL of the coordinator AND a power loss / OS crash.
 * - NORMAL: no fsync at commit; survives SIGKILL (the WAL is in the OS page
 *   cache) but the last commits may be lost on power loss.
 */
export type SqliteSynchronous = 'FULL' | 'NORMAL';

export interface SqliteDriverOptions {
  synchronous?: SqliteSynchronous;
  /** How long a statement waits for another process's lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
}

/**
 * better-sqlite3 behind the async SqlDriver interface. One connection; every
 * statement and transaction runs through one queue, so an open transaction
 * never interleaves with other statements of this process. Meant for one
 * coordinator process per database file.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(readonly location: string, options: SqliteDriverOptions = {}) {
    if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
    this.db = new Database(location, { timeout: options.busyTimeoutMs ?? 5_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    this.db.pragma('foreign_keys = ON');
  }

  /** Runs DDL at open time (outside the queue; the driver is not yet shared). */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  all<T extends object>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.enqueue(() => this.allNow<T>(sql, params));
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.enqueue(() => this.runNow(sql, params));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      const tx: SqlExecutor = {
        all: async <R extends object>(sql: string, params: readonly SqlValue[] = []) => this.allNow<R>(sql, params),
        run: async (sql: string, params: readonly SqlValue[] = []) => this.runNow(sql, params),
      };
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(tx);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    this.statements.clear();
    this.db.close();
  }

  private enqueue<T>(op: () => T | Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`job store ${this.location} is closed`));
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private allNow<T>(sql: string, params: readonly SqlValue[]): T[] {
    return this.statement(sql).all(...params) as T[];
  }

  private runNow(sql: string, params: readonly SqlValue[]): number {
    return this.statement(sql).run(...params).changes;
  }
}
