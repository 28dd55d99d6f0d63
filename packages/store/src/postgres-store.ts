import pg from 'pg';
import { invalidArgument, redactUrl, validateDatasetInfo, type DatasetInfo, type SeriesFrame, type TimeRange } from '@florin/core';
import { conflictError, DatasetCatalog, datasetTable, fromCatalogRow, sameDataset, toCatalogRow, type CatalogRow } from './catalog.js';
import { StoreLifecycle } from './lifecycle.js';
import { arrayBatches, decodeRows } from './pg-codec.js';
import { mapPgError } from './pg-errors.js';
import { PG_MAX_IDENTIFIER, PgSql } from './pg-sql.js';
import { resolvePostgresStoreConfig, type PostgresStoreConfig, type PostgresStoreOptions } from './postgres-options.js';
import { resolveRead } from './read-request.js';
import type { CheckedWrite, Store, StoreReadRequest, StoreState } from './store.js';
import { checkCover, coverPlan, prepareWrite } from './write-batch.js';
import type { WriteFence } from './postgres-writer-lease.js';

const INT8_OID = 20;

/** Writes of at least this many rows refresh the table's planner statistics. */
const ANALYZE_AFTER_ROWS = 100_000;

/** int8 as a JavaScript number (our int8 columns hold epoch ms and counts, well inside 2^53); the rest as pg does. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (text: string) => Number(text) : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
};

/**
 * The shared, server-grade store: every table lives in one schema of a
 * PostgreSQL database; a pool of connections serves concurrent calls, each
 * write is one transaction.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly config: PostgresStoreConfig;
  private readonly lifecycle: StoreLifecycle;
  private readonly sql: PgSql;
  private readonly where: string;
  private readonly catalog = new DatasetCatalog((name) => this.loadDataset(name));
  private pool: pg.Pool | undefined;
  private fence: WriteFence | undefined;

  constructor(options: PostgresStoreOptions) {
    this.config = resolvePostgresStoreConfig(options);
    this.sql = new PgSql(this.config.schema);
    this.where = `${redactUrl(this.config.url)} (schema ${this.config.schema})`;
    this.lifecycle = new StoreLifecycle(`PostgreSQL store ${this.where}`);
  }

  get state(): StoreState {
    return this.lifecycle.state;
  }

  open(): Promise<void> {
    return this.lifecycle.open(async () => {
      const pool = new pg.Pool({
        connectionString: this.config.url,
        max: this.config.poolSize,
        connectionTimeoutMillis: this.config.connectTimeoutMs,
        // Shortest exact text for floats where text is used at all (reads travel as binary).
        options: '-c extra_float_digits=3',
        types: TYPES,
      });
      // An idle client that loses its connection emits here; the next query reports the failure.
      pool.on('error', () => undefined);
      this.pool = pool;
      try {
        await this.transaction(async (client) => {
          await this.lockCatalog(client);
          await client.query(this.sql.createSchema());
          await client.query(this.sql.createCatalog());
        });
      } catch (err) {
        this.pool = undefined;
        await pool.end().catch(() => undefined);
        throw err;
      }
    });
  }

  async createDataset(info: DatasetInfo): Promise<boolean> {
    this.lifecycle.assertOpen();
    const wanted = validateDatasetInfo(info);
    if (datasetTable(wanted.name).length > PG_MAX_IDENTIFIER) {
      throw invalidArgument(`dataset name ${wanted.name} is too long for PostgreSQL: use at most ${PG_MAX_IDENTIFIER - 3} characters`);
    }
    const created = await this.transaction(async (client) => {
      await this.lockCatalog(client);
      const { rows } = await client.query<CatalogRow>(this.sql.selectDataset(), [wanted.name]);
      if (rows[0]) {
        const existing = fromCatalogRow(rows[0]);
        if (sameDataset(existing, wanted)) return false;
        throw conflictError(existing, wanted);
      }
      const row = toCatalogRow(wanted);
      await client.query(this.sql.insertCatalog(), [row.name, row.fields, row.frequency]);
      await client.query(this.sql.createDatasetTable(wanted));
      return true;
    });
    this.catalog.remember(wanted);
    return created;
  }

  async getDataset(name: string): Promise<DatasetInfo | undefined> {
    this.lifecycle.assertOpen();
    return this.catalog.get(name);
  }

  async listDatasets(): Promise<DatasetInfo[]> {
    this.lifecycle.assertOpen();
    const { rows } = await this.query<CatalogRow>(this.sql.selectCatalog());
    return rows.map((row) => this.catalog.remember(fromCatalogRow(row)));
  }

  async read(request: StoreReadRequest): Promise<SeriesFrame[]> {
    this.lifecycle.assertOpen();
    const read = resolveRead(await this.catalog.require(request.dataset), request);
    if (!read) return [];
    const { rows } = await this.query<Buffer[] | string[]>(
      this.sql.selectSeries(read.dataset.name, read.fields),
      [read.symbols, read.range.start, read.range.end],
      'array',
    );
    const bySymbol = new Map<string, SeriesFrame>();
    for (const row of rows) {
      const symbol = row[0] as string;
      const { timestamps, columns } = decodeRows(row[1] as Buffer, read.fields.length);
      bySymbol.set(symbol, { symbol, fields: read.fields, timestamps, columns });
    }
    return read.symbols.flatMap((s) => bySymbol.get(s) ?? []);
  }

  /**
   * Checks `fence` inside every write transaction before any row is written
   * (a PostgresWriterLease: only its partition's writer writes). undefined removes it.
   */
  fenceWrites(fence: WriteFence | undefined): void {
    this.fence = fence;
  }

  async write(dataset: string, frames: readonly SeriesFrame[]): Promise<number> {
    return (await this.writeBatch(dataset, frames, undefined)).rows;
  }

  /**
   * The rows in `cover` are counted in the write's transaction, after the writer fence: the partition's one
   * writer (its shard task, fenced by the writer lease when several serve it) is the only one that writes its rows.
   */
  writeChecked(dataset: string, frames: readonly SeriesFrame[], cover: TimeRange): Promise<CheckedWrite> {
    return this.writeBatch(dataset, frames, cover);
  }

  private async writeBatch(dataset: string, frames: readonly SeriesFrame[], cover: TimeRange | undefined): Promise<CheckedWrite> {
    this.lifecycle.assertOpen();
    const batch = prepareWrite(await this.catalog.require(dataset), frames);
    if (batch.rowCount === 0) return { rows: 0, covered: new Set() };
    const statement = this.sql.upsert(batch.dataset);
    const fence = this.fence;
    const plan = cover ? coverPlan(batch, cover) : undefined;
    const covered = await this.transaction(async (client) => {
      if (fence) await fence.check((text, values) => client.query(text, values));
      for (const { literals } of arrayBatches(batch.segments, batch.dataset.fields.length, this.config.batchRows)) {
        await client.query(statement, literals);
      }
      return checkCover(plan, (p) => {
        const queries = this.sql.coverQueries(batch.dataset.name);
        const symbols = batch.segments.map((s) => s.symbol);
        return {
          rowOutsideSpan: async () => (await client.query(queries.outside, [symbols, p.start, p.first, p.last, p.end])).rowCount !== 0,
          rowsInSpan: async () => {
            const { rows } = await client.query<[string, string]>({ text: queries.count, values: [symbols, p.first, p.last], rowMode: 'array' });
            return new Map(rows.map(([symbol, n]) => [symbol, Number(n)]));
          },
        };
      });
    });
    // Fresh statistics after a bulk load, so reads plan an index scan rather
    // than a sort that spills to disk (autovacuum would get there later).
    if (batch.rowCount >= ANALYZE_AFTER_ROWS) await this.query(this.sql.analyze(batch.dataset.name));
    return { rows: batch.rowCount, covered };
  }

  async symbols(dataset: string): Promise<string[]> {
    this.lifecycle.assertOpen();
    const info = await this.catalog.require(dataset);
    const { rows } = await this.query<string[]>(this.sql.selectSymbols(info.name), [], 'array');
    return rows.map((r) => r[0]!);
  }

  async countRows(dataset: string): Promise<number> {
    this.lifecycle.assertOpen();
    const info = await this.catalog.require(dataset);
    const { rows } = await this.query<number[]>(this.sql.countRows(info.name), [], 'array');
    return rows[0]![0]!;
  }

  close(): Promise<void> {
    return this.lifecycle.close(async () => {
      const pool = this.pool;
      this.pool = undefined;
      // pool.end() waits for checked-out clients, so calls in flight finish first.
      await pool?.end();
    });
  }

  private async loadDataset(name: string): Promise<DatasetInfo | undefined> {
    const { rows } = await this.query<CatalogRow>(this.sql.selectDataset(), [name]);
    return rows[0] ? fromCatalogRow(rows[0]) : undefined;
  }

  /** Serializes catalog changes across processes sharing the schema (held until the transaction ends). */
  private async lockCatalog(client: pg.PoolClient): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`florin:${this.config.schema}`]);
  }

  private async query<R>(text: string, values: unknown[] = [], rowMode?: 'array'): Promise<{ rows: R[] }> {
    const pool = this.requirePool();
    try {
      const result = rowMode ? await pool.query({ text, values, rowMode }) : await pool.query({ text, values });
      return { rows: result.rows as R[] };
    } catch (err) {
      throw mapPgError(err, this.where);
    }
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const pool = this.requirePool();
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw mapPgError(err, this.where);
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw mapPgError(err, this.where);
    } finally {
      client.release(broken);
    }
  }

  private requirePool(): pg.Pool {
    if (!this.pool) {
      this.lifecycle.assertOpen();
      throw new Error('PostgreSQL pool missing while the store is open');
    }
    return this.pool;
  }
}
