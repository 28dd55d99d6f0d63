import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqlDriver, SqlExecutor, SqlValue, TransactionOptions } from './sql-driver.js';

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

/** Most transactions committed together in one group. */
const MAX_GROUP = 512;

interface PendingTransaction {
  fn: (tx: SqlExecutor) => Promise<unknown>;
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * better-sqlite3 behind the async SqlDriver interface, with group commit.
 *
 * One connection. Transactions queue up; the queue is run in groups: one
 * BEGIN IMMEDIATE ... COMMIT per group, each transaction of the group inside
 * its own SAVEPOINT (a transaction that throws is rolled back to its
 * savepoint and leaves the others' changes alone). Every caller is answered
 * only after the group's COMMIT, so an answered change is as durable as
 * `synchronous` makes a commit, but the fsync is paid once per group rather
 * than once per transaction. A group takes what is queued when it starts
 * (after the pending I/O of the event loop, so the requests that arrived
 * during the last commit's fsync join) and what is queued while it runs.
 * Transactions never interleave. Plain statements (all, run) are
 * one-statement transactions of the same queue. Meant for one coordinator
 * process per database file.
 *
 * Non-durable transactions (`{ durable: false }`, e.g. lease grants) are
 * grouped apart when they head the queue: their group commits with
 * synchronous=NORMAL (no fsync; SQLite only lets the setting change between
 * transactions) and takes no durable transaction, so nothing waits for a
 * disk flush it did not ask for. Their WAL frames reach the disk with the
 * next durable commit's fsync (the WAL is appended in order). A durable
 * group takes non-durable transactions queued behind it too.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly pending: PendingTransaction[] = [];
  private readonly executor: SqlExecutor;
  private readonly control: {
    begin: Database.Statement;
    commit: Database.Statement;
    rollback: Database.Statement;
    savepoint: Database.Statement;
    release: Database.Statement;
    rollbackTo: Database.Statement;
  };
  /** PRAGMA synchronous for durable groups (the configured setting) and for non-durable ones (NORMAL). Run with exec: SQLite applies a pragma when it compiles it, so a prepared one would apply once. */
  private readonly synchronousSql: { durable: string; lazy: string };
  /** The synchronous setting the connection has now (it changes only between groups). */
  private durableNow = true;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private groupCount = 0;
  private transactionCount = 0;
  private lazyGroupCount = 0;

  constructor(readonly location: string, options: SqliteDriverOptions = {}) {
    if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
    this.db = new Database(location, { timeout: options.busyTimeoutMs ?? 5_000 });
    this.db.pragma('journal_mode = WAL');
    const synchronous = options.synchronous ?? 'FULL';
    this.db.pragma(`synchronous = ${synchronous}`);
    this.db.pragma('foreign_keys = ON');
    this.control = {
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      rollback: this.db.prepare('ROLLBACK'),
      savepoint: this.db.prepare('SAVEPOINT florin_tx'),
      release: this.db.prepare('RELEASE florin_tx'),
      rollbackTo: this.db.prepare('ROLLBACK TO florin_tx'),
    };
    this.synchronousSql = { durable: `PRAGMA synchronous = ${synchronous}`, lazy: 'PRAGMA synchronous = NORMAL' };
    this.executor = {
      all: async <R extends object>(sql: string, params: readonly SqlValue[] = []) => this.statement(sql).all(...params) as R[],
      run: async (sql: string, params: readonly SqlValue[] = []) => this.statement(sql).run(...params).changes,
    };
  }

  /** Transactions committed, and the groups (commits) they took: their ratio is the fsyncs saved; lazyGroups of the groups committed without fsync (non-durable). */
  get commitStats(): { transactions: number; groups: number; lazyGroups: number } {
    return { transactions: this.transactionCount, groups: this.groupCount, lazyGroups: this.lazyGroupCount };
  }

  /** Runs DDL at open time (outside the queue; the driver is not yet shared). */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  all<T extends object>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.transaction((tx) => tx.all<T>(sql, params));
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.transaction((tx) => tx.run(sql, params));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`job store ${this.location} is closed`));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, durable: options.durable ?? true, resolve: resolve as (value: unknown) => void, reject });
      this.flushing ??= this.flush();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    this.statements.clear();
    this.db.close();
  }

  /** Runs groups until the queue is empty; `flushing` is cleared in the same turn the queue is seen empty. */
  private async flush(): Promise<void> {
    for (;;) {
      // Let the event loop read the requests that arrived meanwhile (during the last commit's fsync, say).
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.pending.length === 0) {
        this.flushing = undefined;
        return;
      }
      await this.runGroup();
    }
  }

  private async runGroup(): Promise<void> {
    const answers: (() => void)[] = [];
    const group: PendingTransaction[] = [];
    const durable = this.pending[0]!.durable;
    try {
      if (durable !== this.durableNow) {
        this.db.exec(durable ? this.synchronousSql.durable : this.synchronousSql.lazy);
        this.durableNow = durable;
      }
      this.control.begin.run();
      while (this.pending.length > 0 && group.length < MAX_GROUP && (durable || !this.pending[0]!.durable)) {
        const p = this.pending.shift()!;
        group.push(p);
        this.control.savepoint.run();
        try {
          const value = await p.fn(this.executor);
          this.control.release.run();
          answers.push(() => p.resolve(value));
        } catch (err) {
          // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) roll back the whole group's transaction: then nothing of it stands.
          if (!this.db.inTransaction) throw err;
          this.control.rollbackTo.run();
          this.control.release.run();
          answers.push(() => p.reject(err));
        }
      }
      this.control.commit.run();
    } catch (err) {
      if (this.db.inTransaction) this.control.rollback.run();
      const failure = new Error(`job store ${this.location}: the transaction failed and was rolled back: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      for (const p of group) p.reject(failure);
      return;
    }
    this.groupCount++;
    if (!durable) this.lazyGroupCount++;
    this.transactionCount += group.length;
    for (const answer of answers) answer();
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}
