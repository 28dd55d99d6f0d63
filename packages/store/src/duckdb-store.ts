import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { failedPrecondition, SerialQueue, unavailable, validateDatasetInfo, type DatasetInfo, type SeriesFrame, type TimeRange } from '@florin/core';
import { conflictError, DatasetCatalog, fromCatalogRow, sameDataset, toCatalogRow, type CatalogRow } from './catalog.js';
import { resolveDuckDbStoreConfig, MEMORY_PATH, type DuckDbStoreConfig, type DuckDbStoreOptions } from './duckdb-options.js';
import { readSeries } from './duckdb-read.js';
import * as sql from './duckdb-sql.js';
import { appendNewRows } from './duckdb-appender.js';
import { DuckDbStager } from './duckdb-stager.js';
import { DatasetStarts } from './dataset-starts.js';
import { KnownSymbols } from './known-symbols.js';
import { StoreLifecycle } from './lifecycle.js';
import { resolveRead } from './read-request.js';
import type { CheckedWrite, Store, StoreReadRequest, StoreState } from './store.js';
import { checkCover, coverPlan, prepareWrite, type WriteBatch } from './write-batch.js';

interface Lane {
  readonly connection: DuckDBConnection;
  readonly queue: SerialQueue;
}

/**
 * The embedded store: one DuckDB database file (one per shard, so each file
 * has one writer). One connection writes (DDL and upserts, serialized by a
 * queue); a few more serve reads concurrently, each serialized on its own.
 */
export class DuckDbStore implements Store {
  readonly kind = 'duckdb' as const;
  readonly config: DuckDbStoreConfig;
  private readonly lifecycle: StoreLifecycle;
  private readonly catalog = new DatasetCatalog((name) => this.loadDataset(name));
  private instance: DuckDBInstance | undefined;
  private writer: (Lane & { stager: DuckDbStager }) | undefined;
  private readers: Lane[] = [];
  /** Valid because this store is its file's only writer (DuckDB locks the file). */
  private readonly knownSymbols = new KnownSymbols();
  /** Where each dataset's rows start (valid for the same reason): reads before it need no query. */
  private readonly starts = new DatasetStarts();

  constructor(options: DuckDbStoreOptions) {
    this.config = resolveDuckDbStoreConfig(options);
    this.lifecycle = new StoreLifecycle(`DuckDB store ${this.config.path}`);
  }

  get state(): StoreState {
    return this.lifecycle.state;
  }

  open(): Promise<void> {
    return this.lifecycle.open(async () => {
      const { path, threads, memoryLimit, readConnections } = this.config;
      if (path !== MEMORY_PATH) mkdirSync(dirname(path), { recursive: true });
      const settings: Record<string, string> = {};
      if (threads !== undefined) settings['threads'] = String(threads);
      if (memoryLimit !== undefined) settings['memory_limit'] = memoryLimit;
      let instance: DuckDBInstance;
      try {
        instance = await DuckDBInstance.create(path, settings);
      } catch (err) {
        throw unavailable(`cannot open DuckDB database ${path}: ${(err as Error).message}`, err);
      }
      this.instance = instance;
      try {
        const writer = await instance.connect();
        this.writer = { connection: writer, queue: new SerialQueue(), stager: new DuckDbStager(writer) };
        await writer.run(sql.CREATE_CATALOG);
        for (let i = 0; i < readConnections; i++) this.readers.push({ connection: await instance.connect(), queue: new SerialQueue() });
        const rows = await this.selectCatalog(writer);
        for (const row of rows) this.catalog.remember(fromCatalogRow(row));
      } catch (err) {
        this.release();
        throw err;
      }
    });
  }

  async createDataset(info: DatasetInfo): Promise<boolean> {
    this.lifecycle.assertOpen();
    const wanted = validateDatasetInfo(info);
    return this.onWriter(async ({ connection }) => {
      const existing = await this.catalog.get(wanted.name);
      if (existing) {
        if (sameDataset(existing, wanted)) return false;
        throw conflictError(existing, wanted);
      }
      await transaction(connection, async () => {
        await connection.run(sql.INSERT_CATALOG, { ...toCatalogRow(wanted) });
        await connection.run(sql.createDatasetTable(wanted));
      });
      this.catalog.remember(wanted);
      return true;
    });
  }

  async getDataset(name: string): Promise<DatasetInfo | undefined> {
    this.lifecycle.assertOpen();
    return this.catalog.get(name);
  }

  async listDatasets(): Promise<DatasetInfo[]> {
    this.lifecycle.assertOpen();
    const rows = await this.onReader(({ connection }) => this.selectCatalog(connection));
    return rows.map((row) => this.catalog.remember(fromCatalogRow(row)));
  }

  async read(request: StoreReadRequest): Promise<SeriesFrame[]> {
    this.lifecycle.assertOpen();
    const read = resolveRead(await this.catalog.require(request.dataset), request);
    if (!read) return [];
    const name = read.dataset.name;
    const start = this.starts.get(name);
    if (start === undefined) this.starts.learn(name, () => this.onReader(({ connection }) => selectFirstTimestamp(connection, name)));
    else if (read.range.end <= start) return [];
    return this.onReader(({ connection }) => readSeries(connection, read.dataset.name, read.symbols, read.fields, read.range));
  }

  async write(dataset: string, frames: readonly SeriesFrame[]): Promise<number> {
    return (await this.writeBatch(dataset, frames, undefined)).rows;
  }

  writeChecked(dataset: string, frames: readonly SeriesFrame[], cover: TimeRange): Promise<CheckedWrite> {
    return this.writeBatch(dataset, frames, cover);
  }

  private async writeBatch(dataset: string, frames: readonly SeriesFrame[], cover: TimeRange | undefined): Promise<CheckedWrite> {
    this.lifecycle.assertOpen();
    const batch = prepareWrite(await this.catalog.require(dataset), frames);
    if (batch.rowCount === 0) return { rows: 0, covered: new Set() };
    return this.onWriter(async (lane) => {
      try {
        const written = await this.upsert(lane, batch, cover);
        this.knownSymbols.wrote(batch.dataset.name, batch.segments.map((s) => s.symbol));
        return written;
      } catch (err) {
        this.knownSymbols.forget(batch.dataset.name);
        throw err;
      } finally {
        // Committed or not (a failed write may have written part of its rows): none starts before the batch's first.
        this.starts.wrote(batch.dataset.name, firstTimestampOf(batch));
      }
    });
  }

  /**
   * Writes a prepared batch on the writer connection; resolves its row count,
   * and (with `cover`) the symbols whose rows in `cover` are then exactly the batch's.
   */
  private async upsert({ connection, stager }: Lane & { stager: DuckDbStager }, batch: WriteBatch, cover: TimeRange | undefined): Promise<CheckedWrite> {
    const upsert = sql.upsertFromStaging(batch);
    // This connection is the file's only writer and runs one write at a time, so what the probes and the count find holds until the commit.
    const plan = cover ? coverPlan(batch, cover) : undefined;
    const covered = (): Promise<Set<string>> =>
      checkCover(plan, (p) => {
        const queries = sql.coverQueries(batch, p);
        return {
          rowOutsideSpan: async () => (await connection.runAndReadAll(queries.outside)).currentRowCount > 0,
          rowsInSpan: async () => new Map((await connection.runAndReadAll(queries.count)).getRows().map((row) => [String(row[0]), Number(row[1])])),
        };
      });
    const stored = await connection.runAndReadAll(upsert.probe);
    if (stored.currentRowCount === 0) {
      // All new rows (results being published): appended as they are, without staging, joining and sorting them.
      return {
        rows: batch.rowCount,
        covered: await transaction(connection, async () => {
          await appendNewRows(connection, batch);
          return covered();
        }),
      };
    }
    try {
      await stager.stage(batch);
      return {
        rows: batch.rowCount,
        covered: await transaction(connection, async () => {
          await connection.run(upsert.remove);
          await connection.run(upsert.insert);
          return covered();
        }),
      };
    } finally {
      await stager.clear(batch.dataset.fields.length).catch(() => undefined);
    }
  }

  async symbols(dataset: string): Promise<string[]> {
    this.lifecycle.assertOpen();
    const info = await this.catalog.require(dataset);
    const known = this.knownSymbols.get(info.name);
    if (known) return known;
    const token = this.knownSymbols.begin(info.name);
    const symbols = await this.onReader(async ({ connection }) => {
      const reader = await connection.runAndReadAll(sql.selectSymbols(info.name));
      return reader.getRows().map((row) => String(row[0]));
    });
    this.knownSymbols.remember(info.name, token, symbols);
    return symbols;
  }

  /** Where the store knows `dataset`'s rows start (+Infinity: it has none); undefined until a read learned it. */
  knownStart(dataset: string): number | undefined {
    return this.starts.get(dataset);
  }

  async countRows(dataset: string): Promise<number> {
    this.lifecycle.assertOpen();
    const info = await this.catalog.require(dataset);
    return this.onReader(async ({ connection }) => {
      const reader = await connection.runAndReadAll(sql.countRows(info.name));
      return Number(reader.getRows()[0]![0]);
    });
  }

  close(): Promise<void> {
    return this.lifecycle.close(async () => {
      const lanes = [...(this.writer ? [this.writer] : []), ...this.readers];
      await Promise.all(lanes.map((lane) => lane.queue.idle()));
      this.release();
    });
  }

  /** Closes the connections and the database. */
  private release(): void {
    for (const lane of [...(this.writer ? [this.writer] : []), ...this.readers]) lane.connection.disconnectSync();
    this.instance?.closeSync();
    this.writer = undefined;
    this.readers = [];
    this.instance = undefined;
  }

  private onWriter<T>(task: (lane: Lane & { stager: DuckDbStager }) => Promise<T>): Promise<T> {
    const writer = this.writer;
    if (!writer) return Promise.reject(failedPrecondition('DuckDB store is closed'));
    return writer.queue.run(() => (this.writer ? task(writer) : Promise.reject(failedPrecondition('DuckDB store is closed'))));
  }

  /** Runs a read on the least busy read connection. */
  private onReader<T>(task: (lane: Lane) => Promise<T>): Promise<T> {
    let lane = this.readers[0];
    for (const candidate of this.readers) if (lane && candidate.queue.depth < lane.queue.depth) lane = candidate;
    if (!lane) return Promise.reject(failedPrecondition('DuckDB store is closed'));
    const chosen = lane;
    return chosen.queue.run(() => (this.instance ? task(chosen) : Promise.reject(failedPrecondition('DuckDB store is closed'))));
  }

  private async loadDataset(name: string): Promise<DatasetInfo | undefined> {
    const rows = await this.onReader(({ connection }) => this.selectCatalog(connection));
    const row = rows.find((r) => r.name === name);
    return row ? fromCatalogRow(row) : undefined;
  }

  private async selectCatalog(connection: DuckDBConnection): Promise<CatalogRow[]> {
    const reader = await connection.runAndReadAll(sql.SELECT_CATALOG);
    return reader.getRows().map(([name, fields, frequency]) => ({ name: String(name), fields: String(fields), frequency: String(frequency) }));
  }
}

/** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
async function transaction<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const value = await work();
    await connection.run('COMMIT');
    return value;
  } catch (err) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** The first timestamp of a dataset's rows, undefined when it has none. */
async function selectFirstTimestamp(connection: DuckDBConnection, dataset: string): Promise<number | undefined> {
  const reader = await connection.runAndReadAll(sql.firstTimestamp(dataset));
  const first = reader.getRows()[0]?.[0];
  return first === null || first === undefined ? undefined : Number(first);
}

/** The earliest timestamp of a write batch (prepareWrite keeps each segment's timestamps strictly increasing and non-empty). */
function firstTimestampOf(batch: WriteBatch): number {
  let first = Number.POSITIVE_INFINITY;
  for (const segment of batch.segments) first = Math.min(first, segment.timestamps[0]!);
  return first;
}
