import type { DatasetInfo, SeriesFrame, TimeRange } from '@florin/core';

/** A read from a store: some symbols of one dataset over one half-open range. */
export interface StoreReadRequest {
  readonly dataset: string;
  readonly symbols: readonly string[];
  /** Fields to return, in this order; all must exist in the dataset. */
  readonly fields: readonly string[];
  readonly range: TimeRange;
}

/** What writeChecked answers. */
export interface CheckedWrite {
  readonly rows: number;
  /** The written symbols whose rows in the asked range are, after the write, exactly the written ones. */
  readonly covered: ReadonlySet<string>;
}

export type StoreState = 'created' | 'open' | 'closed';

/**
 * The storage contract. Both backends (DuckDB, PostgreSQL) pass one shared
 * contract suite. Series are keyed by (symbol, timestamp); writes are upserts,
 * so writing the same rows twice changes nothing.
 */
export interface Store {
  readonly kind: 'duckdb' | 'postgres';
  readonly state: StoreState;
  /** Opens connections and creates the catalog if needed. Idempotent. */
  open(): Promise<void>;
  /**
   * Adds a dataset to the catalog and creates its table. Returns true when it
   * was created, false when an identical dataset already existed. Throws
   * ALREADY_EXISTS when a dataset of that name exists with other fields or frequency.
   */
  createDataset(info: DatasetInfo): Promise<boolean>;
  getDataset(name: string): Promise<DatasetInfo | undefined>;
  listDatasets(): Promise<DatasetInfo[]>;
  /**
   * Reads series. Returns one frame per requested symbol that has rows in the
   * range, in the order of `symbols`, timestamps ascending. Throws NOT_FOUND for
   * an unknown dataset or field.
   */
  read(request: StoreReadRequest): Promise<SeriesFrame[]>;
  /**
   * Upserts frames keyed by (symbol, timestamp). Each frame must carry every
   * field of the dataset (in any order). All-or-nothing: one transaction.
   * Returns the number of rows written.
   */
  write(dataset: string, frames: readonly SeriesFrame[]): Promise<number>;
  /**
   * A write that also says for which written symbols `cover` holds, once the
   * write is applied, exactly the written rows (no other stored row of the
   * symbol lies in it), counted inside the write's transaction. A store that
   * cannot tell leaves this out; callers then take no symbol as covered.
   */
  writeChecked?(dataset: string, frames: readonly SeriesFrame[], cover: TimeRange): Promise<CheckedWrite>;
  /** Distinct symbols present in a dataset, sorted. */
  symbols(dataset: string): Promise<string[]>;
  /** Total row count of a dataset. */
  countRows(dataset: string): Promise<number>;
  /** Idempotent. */
  close(): Promise<void>;
}
