/** A value bound to a `?` placeholder. Booleans are stored as 0/1 integers by the callers. */
export type SqlValue = string | number | null;

/** Runs statements written with `?` placeholders (the PostgreSQL driver rewrites them to $n). */
export interface SqlExecutor {
  all<T extends object>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Answers the number of rows changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export type SqlDialect = 'sqlite' | 'postgres';

export interface TransactionOptions<T = unknown> {
  /**
   * false: the commit need not be on disk when the promise resolves; it gets
   * there with the next durable commit (SQLite: no fsync of its own;
   * PostgreSQL: synchronous_commit off). For changes a crash may undo
   * safely, such as lease grants (a lost grant only requeues the task).
   * Default true.
   */
  durable?: boolean;
  /**
   * Called with the transaction's value once it committed, which may be
   * before the commit is on disk (SQLite with synchronous FULL: while the WAL
   * is flushed), e.g. to wake long polls for a submit's tasks. Nothing a caller
   * is answered depends on it: the promise still resolves once the commit is durable
   * (or rejects with the hook's error, if it throws: the changes stay committed).
   */
  onCommitted?: (value: T) => void;
}

/**
 * A database connection (or pool) that runs serialized transactions. The SQL
 * used by SqlJobStore is the subset both dialects share; where they differ
 * (row locks, DDL) the store asks `dialect`.
 */
export interface SqlDriver extends SqlExecutor {
  readonly dialect: SqlDialect;
  readonly location: string;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it
   * throws. `fn` may be run again when the database reports a serialization
   * failure or deadlock, so it must only touch the database through `tx`.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions<T>): Promise<T>;
  /** Idempotent. */
  close(): Promise<void>;
}

const placeholderLists: string[] = [];

/** "?, ?, ?" for n placeholders (built once per n). */
export function placeholders(n: number): string {
  return (placeholderLists[n] ??= Array.from({ length: n }, () => '?').join(', '));
}
