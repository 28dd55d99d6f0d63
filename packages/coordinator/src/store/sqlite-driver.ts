import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqlDriver, SqlExecutor, SqlValue, TransactionOptions } from './sql-driver.js';
import { WalFlusher, type CommitAnswer } from './wal-flusher.js';

/**
 * Durability of a commit (WAL mode):
 * - FULL (default): an acknowledged change survives SIGKILL of the coordinator
 *   AND a power loss / OS crash: the WAL is flushed (fdatasync) before the
 *   caller is answered.
 * - NORMAL: no flush; survives SIGKILL (the WAL is in the OS page cache) but
 *   the last commits may be lost on power loss.
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
  onCommitted: ((value: unknown) => void) | undefined;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * better-sqlite3 behind the async SqlDriver interface, with group commit and
 * the WAL flush off the event loop.
 *
 * One connection. Transactions queue up; the queue is run in groups: one
 * BEGIN IMMEDIATE ... COMMIT per group, each transaction of the group inside
 * its own SAVEPOINT (a transaction that throws is rolled back to its
 * savepoint and leaves the others' changes alone). A group takes what is
 * queued when it starts (after the pending I/O of the event loop, so the
 * requests that arrived meanwhile join) and what is queued while it runs.
 * Transactions never interleave. Plain statements (all, run) are
 * one-statement transactions of the same queue. Meant for one coordinator
 * process per database file.
 *
 * The connection always commits with synchronous=NORMAL: COMMIT appends the
 * group's frames to the WAL (the OS page cache) without an fsync, on the
 * event loop. With `synchronous: 'FULL'` the durable transactions of the
 * group are answered only after an fdatasync of the WAL file that started
 * after their COMMIT, run on the libuv thread pool: meanwhile the event loop
 * serves calls and commits the next groups, and one flush covers every group
 * committed before it started (the WAL is appended in order). So an answered
 * durable change is on disk, as with synchronous=FULL, but no fsync blocks
 * the event loop. A read-only transaction (durable or not) is answered once
 * what it saw is on disk: at once when nothing is left to flush, else with
 * the flush that covers it, so no caller sees a change a power loss could
 * undo. Non-durable writes (`{ durable: false }`: lease grants, heartbeats)
 * are answered at COMMIT; their frames reach the disk with the next flush.
 * (Checkpoints, which SQLite runs inside a COMMIT every 1000 WAL pages,
 * still sync the WAL and the database file on the event loop.)
 * A failed flush leaves the file's state on disk unknown: its callers and
 * every later transaction are refused (restart the coordinator).
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
  /** With synchronous FULL: flushes the WAL before durable transactions are answered. */
  private readonly flusher: WalFlusher | undefined;
  /** The running transaction executed a statement that writes. */
  private txWrote = false;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private groupCount = 0;
  private transactionCount = 0;

  constructor(readonly location: string, options: SqliteDriverOptions = {}) {
    if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
    this.db = new Database(location, { timeout: options.busyTimeoutMs ?? 5_000 });
    this.db.pragma('journal_mode = WAL');
    // COMMIT never fsyncs on the event loop: with FULL the flusher syncs the WAL on the thread pool before answering.
    this.db.pragma('synchronous = NORMAL');
    const durableFlush = (options.synchronous ?? 'FULL') === 'FULL' && location !== ':memory:' && location !== '';
    this.flusher = durableFlush ? new WalFlusher(`${location}-wal`) : undefined;
    this.db.pragma('foreign_keys = ON');
    this.control = {
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      rollback: this.db.prepare('ROLLBACK'),
      savepoint: this.db.prepare('SAVEPOINT florin_tx'),
      release: this.db.prepare('RELEASE florin_tx'),
      rollbackTo: this.db.prepare('ROLLBACK TO florin_tx'),
    };
    this.executor = {
      all: async <R extends object>(sql: string, params: readonly SqlValue[] = []) => this.statement(sql).all(...params) as R[],
      run: async (sql: string, params: readonly SqlValue[] = []) => this.statement(sql).run(...params).changes,
    };
  }

  /** Transactions committed, the groups (commits) they took, and the WAL flushes (fdatasync) that made them durable. */
  get commitStats(): { transactions: number; groups: number; flushes: number } {
    return { transactions: this.transactionCount, groups: this.groupCount, flushes: this.flusher?.count ?? 0 };
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

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options: TransactionOptions<T> = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`job store ${this.location} is closed`));
    const failed = this.flusher?.failed;
    if (failed) return Promise.reject(new Error(`job store ${this.location}: ${failed.message}`, { cause: failed }));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({
        fn,
        durable: options.durable ?? true,
        onCommitted: options.onCommitted as ((value: unknown) => void) | undefined,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.flushing ??= this.flush();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    await this.flusher?.close();
    this.statements.clear();
    this.db.close();
  }

  /** Runs groups until the queue is empty; `flushing` is cleared in the same turn the queue is seen empty. */
  private async flush(): Promise<void> {
    for (;;) {
      // Let the event loop read the requests that arrived meanwhile.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.pending.length === 0) {
        this.flushing = undefined;
        return;
      }
      await this.runGroup();
    }
  }

  private async runGroup(): Promise<void> {
    /** Answered at COMMIT (non-durable writes, and transactions rolled back), and the onCommitted calls. */
    const atCommit: (() => void)[] = [];
    /** Answered once the commit, and what they saw, is on disk (durable transactions and every read). */
    const afterFlush: CommitAnswer[] = [];
    const group: PendingTransaction[] = [];
    let durableWrite = false;
    try {
      this.control.begin.run();
      while (this.pending.length > 0 && group.length < MAX_GROUP) {
        const p = this.pending.shift()!;
        group.push(p);
        this.control.savepoint.run();
        this.txWrote = false;
        try {
          const value = await p.fn(this.executor);
          this.control.release.run();
          if (p.onCommitted) {
            const hook = p.onCommitted;
            atCommit.push(() => {
              // The caller's hook: if it throws, its promise says so (the changes stay committed); the queue goes on.
              try {
                hook(value);
              } catch (err) {
                p.reject(err);
              }
            });
          }
          // A read answers no sooner than what it saw is on disk; only a non-durable write (a lease) is answered at COMMIT.
          if (p.durable || !this.txWrote) {
            durableWrite ||= p.durable && this.txWrote;
            afterFlush.push({ settle: () => p.resolve(value), reject: p.reject });
          } else atCommit.push(() => p.resolve(value));
        } catch (err) {
          // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) roll back the whole group's transaction: then nothing of it stands.
          if (!this.db.inTransaction) throw err;
          this.control.rollbackTo.run();
          this.control.release.run();
          atCommit.push(() => p.reject(err));
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
    this.transactionCount += group.length;
    for (const answer of atCommit) answer();
    if (this.flusher) this.flusher.after(afterFlush, durableWrite);
    else for (const a of afterFlush) a.settle();
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    if (!s.readonly) this.txWrote = true;
    return s;
  }
}
