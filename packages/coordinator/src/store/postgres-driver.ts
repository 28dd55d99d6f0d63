import pg from 'pg';
import { redactUrl, unavailable } from '@florin/core';
import type { SqlDriver, SqlExecutor, SqlValue, TransactionOptions } from './sql-driver.js';

const INT8_OID = 20;

/** int8 as a JavaScript number (ours hold epoch ms and counts); everything else as pg parses it. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (text: string) => Number(text) : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
};

/** SQLSTATEs after which a transaction is simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_TX_ATTEMPTS = 5;

export interface PostgresDriverOptions {
  url: string;
  /** Schema holding the coordinator tables; created if missing. */
  schema: string;
  poolSize?: number;
  connectTimeoutMs?: number;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/** `?` placeholders to `$1..$n` (our SQL has no `?` inside literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * A pg Pool behind the SqlDriver interface. Every connection's search_path is
 * the configured schema. Transactions run at READ COMMITTED with explicit row
 * locks (the store takes them); deadlocks and serialization failures rerun the
 * transaction. A commit acknowledged by PostgreSQL is durable (synchronous_commit on).
 */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  readonly location: string;
  readonly schema: string;
  private readonly pool: pg.Pool;
  private closing: Promise<void> | undefined;

  constructor(options: PostgresDriverOptions) {
    if (!SCHEMA.test(options.schema)) {
      throw new TypeError(`schema must be lower-case letters, digits and _ (max 63), got ${JSON.stringify(options.schema)}`);
    }
    this.schema = options.schema;
    this.location = `${redactUrl(options.url)} (schema ${options.schema})`;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 8,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      options: `-c search_path=${options.schema}`,
      types: TYPES,
    });
    // An idle client that loses its connection emits here; the next query reports the failure.
    this.pool.on('error', () => undefined);
  }

  /** Creates the schema if missing (run once before the tables are created). */
  async ensureSchema(): Promise<void> {
    await this.query(this.pool, `CREATE SCHEMA IF NOT EXISTS "${this.schema}"`, []).catch(async (err: unknown) => {
      // Two openers racing on CREATE SCHEMA: the loser sees a unique violation; the schema exists.
      if ((err as { code?: unknown }).code !== '23505') throw err;
    });
  }

  async all<T extends object>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.query<T>(this.pool, sql, params)).rows;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.query(this.pool, sql, params)).rowCount ?? 0;
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options: TransactionOptions<T> = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const value = await this.transactionOnce(fn, options.durable ?? true);
        options.onCommitted?.(value);
        return value;
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (attempt >= MAX_TX_ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw err;
      }
    }
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end().catch(() => undefined);
    return this.closing;
  }

  private async transactionOnce<T>(fn: (tx: SqlExecutor) => Promise<T>, durable: boolean): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw unavailable(`cannot connect to the job store ${this.location}: ${(err as Error).message}`, err);
    }
    const tx: SqlExecutor = {
      all: async <R extends object>(sql: string, params: readonly SqlValue[] = []) => (await this.query<R>(client, sql, params)).rows,
      run: async (sql: string, params: readonly SqlValue[] = []) => (await this.query(client, sql, params)).rowCount ?? 0,
    };
    let broken = false;
    try {
      // A non-durable commit returns before its WAL record is flushed (the WAL writer flushes it within 3 x wal_writer_delay). One round trip either way.
      await client.query(durable ? 'BEGIN' : 'BEGIN; SET LOCAL synchronous_commit = off');
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  private async query<T extends object>(on: pg.Pool | pg.PoolClient, sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult<T>> {
    try {
      return await on.query<T>(numbered(sql), params as SqlValue[]);
    } catch (err) {
      throw lostConnection(err) ? unavailable(`job store ${this.location} is unreachable: ${(err as Error).message}`, err) : err;
    }
  }
}

/** Network failures and server shutdowns (SQLSTATE class 08, 57P01..57P03). */
function lostConnection(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return code.startsWith('08') || /^57P0[123]$/.test(code) || /^E(CONNREFUSED|CONNRESET|NOTFOUND|TIMEDOUT|PIPE)$/.test(code);
}
