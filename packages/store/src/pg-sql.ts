import type { DatasetInfo } from '@florin/core';
import { CATALOG_TABLE, datasetTable } from './catalog.js';
import { quoteIdent } from './sql-names.js';

/** PostgreSQL's identifier limit: longer names are silently truncated, so we refuse them. */
export const PG_MAX_IDENTIFIER = 63;

/** SQL text for the PostgreSQL backend, for one schema. Identifiers are validated names, always quoted. */
export class PgSql {
  readonly schema: string;
  readonly catalog: string;

  constructor(schema: string) {
    this.schema = quoteIdent(schema);
    this.catalog = `${this.schema}.${quoteIdent(CATALOG_TABLE)}`;
  }

  table(dataset: string): string {
    return `${this.schema}.${quoteIdent(datasetTable(dataset))}`;
  }

  createSchema(): string {
    return `CREATE SCHEMA IF NOT EXISTS ${this.schema}`;
  }

  createCatalog(): string {
    return `CREATE TABLE IF NOT EXISTS ${this.catalog} (name text PRIMARY KEY, fields text NOT NULL, frequency text NOT NULL)`;
  }

  selectCatalog(): string {
    return `SELECT name, fields, frequency FROM ${this.catalog} ORDER BY name COLLATE "C"`;
  }

  selectDataset(): string {
    return `SELECT name, fields, frequency FROM ${this.catalog} WHERE name = $1`;
  }

  insertCatalog(): string {
    return `INSERT INTO ${this.catalog} (name, fields, frequency) VALUES ($1, $2, $3)`;
  }

  createDatasetTable(info: DatasetInfo): string {
    const fields = info.fields.map((f) => `${quoteIdent(f)} double precision NOT NULL`).join(', ');
    return `CREATE TABLE ${this.table(info.name)} (symbol text NOT NULL, ts bigint NOT NULL, ${fields}, PRIMARY KEY (symbol, ts))`;
  }

  /**
   * A read, one row per symbol: its rows in time order as one bytea, each row
   * the big-endian binary of ts and the fields (int8send / float8send), so
   * values travel bit-exact with no per-point text parsing. One aggregate
   * rather than one per column: PostgreSQL sorts each ordered aggregate's
   * input separately.
   */
  selectSeries(dataset: string, fields: readonly string[]): string {
    const row = ['int8send(ts)', ...fields.map((f) => `float8send(${quoteIdent(f)})`)].join(' || ');
    return (
      `SELECT symbol, string_agg(${row}, ''::bytea ORDER BY ts) FROM ${this.table(dataset)} ` +
      `WHERE symbol = ANY($1::text[]) AND ts >= $2::bigint AND ts < $3::bigint GROUP BY symbol`
    );
  }

  analyze(dataset: string): string {
    return `ANALYZE ${this.table(dataset)}`;
  }

  /**
   * Store.writeChecked's queries (CoverPlan): a row of the symbols ($1) in [$2, $3) or ($4, $5), the
   * cover range outside the written span [$3, $4]; and each symbol's rows in [$2, $3].
   */
  coverQueries(dataset: string): { outside: string; count: string } {
    const table = this.table(dataset);
    return {
      outside: `SELECT 1 FROM ${table} WHERE symbol = ANY($1::text[]) AND ((ts >= $2::bigint AND ts < $3::bigint) OR (ts > $4::bigint AND ts < $5::bigint)) LIMIT 1`,
      count: `SELECT symbol, count(*) FROM ${table} WHERE symbol = ANY($1::text[]) AND ts >= $2::bigint AND ts <= $3::bigint GROUP BY symbol`,
    };
  }

  /** Upserts rows passed as one array literal per column. */
  upsert(info: DatasetInfo): string {
    const names = info.fields.map((f) => quoteIdent(f));
    const arrays = info.fields.map((_, i) => `$${i + 3}::float8[]`).join(', ');
    const updates = names.map((n) => `${n} = EXCLUDED.${n}`).join(', ');
    return (
      `INSERT INTO ${this.table(info.name)} (symbol, ts, ${names.join(', ')}) ` +
      `SELECT * FROM unnest($1::text[], $2::bigint[], ${arrays}) ` +
      `ON CONFLICT (symbol, ts) DO UPDATE SET ${updates}`
    );
  }

  selectSymbols(dataset: string): string {
    return `SELECT symbol FROM ${this.table(dataset)} GROUP BY symbol ORDER BY symbol COLLATE "C"`;
  }

  countRows(dataset: string): string {
    return `SELECT count(*) FROM ${this.table(dataset)}`;
  }
}
