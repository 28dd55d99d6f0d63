import type { DatasetInfo } from '@florin/core';
import { CATALOG_TABLE, datasetTable } from './catalog.js';
import { quoteIdent } from './sql-names.js';

/** SQL text for the DuckDB backend. Identifiers are validated names, always quoted. */

export const CREATE_CATALOG = `CREATE TABLE IF NOT EXISTS ${CATALOG_TABLE} (
  name VARCHAR PRIMARY KEY,
  fields VARCHAR NOT NULL,
  frequency VARCHAR NOT NULL
)`;

export const SELECT_CATALOG = `SELECT name, fields, frequency FROM ${CATALOG_TABLE} ORDER BY name`;
export const INSERT_CATALOG = `INSERT INTO ${CATALOG_TABLE} (name, fields, frequency) VALUES ($name, $fields, $frequency)`;

export function tableRef(dataset: string): string {
  return quoteIdent(datasetTable(dataset));
}

/** One table per dataset; fields are NOT NULL doubles (NaN is a value, not a NULL). */
export function createDatasetTable(info: DatasetInfo): string {
  const fields = info.fields.map((f) => `${quoteIdent(f)} DOUBLE NOT NULL`).join(', ');
  return `CREATE TABLE ${tableRef(info.name)} (symbol VARCHAR NOT NULL, ts BIGINT NOT NULL, ${fields}, PRIMARY KEY (symbol, ts))`;
}

/**
 * A read: every column comes back as DOUBLE so the result copies straight
 * into Float64Arrays. Column 0 is the 1-based position of the row's symbol in
 * $symbols. There is no ORDER BY: sorting costs more than the scan, and rows
 * usually arrive in storage order, which is (symbol, ts) order as written;
 * the reader groups by symbol and sorts only a symbol whose rows are not in order.
 * $lo and $hi (the least and greatest symbol asked for) let zone maps skip
 * row groups, since storage is sorted by symbol.
 */
export function selectSeries(dataset: string, fields: readonly string[]): string {
  const columns = fields.map((f) => quoteIdent(f)).join(', ');
  return (
    `SELECT list_position($symbols, symbol)::DOUBLE AS idx, ts::DOUBLE AS ts, ${columns} ` +
    `FROM ${tableRef(dataset)} WHERE symbol BETWEEN $lo AND $hi AND list_contains($symbols, symbol) AND ts >= $start AND ts < $end`
  );
}

export function selectSymbols(dataset: string): string {
  return `SELECT DISTINCT symbol FROM ${tableRef(dataset)} ORDER BY symbol`;
}

export function countRows(dataset: string): string {
  return `SELECT count(*)::DOUBLE FROM ${tableRef(dataset)}`;
}

/** Staging tables are per connection (TEMP), all DOUBLE so chunks fill by memcpy: (sid, ts, v0..vn-1). */
export function stagingTable(fieldCount: number): string {
  return `florin_stage_${fieldCount}`;
}

export const STAGING_SYMBOLS = 'florin_stage_symbols';

export function createStaging(fieldCount: number): string {
  const values = Array.from({ length: fieldCount }, (_, i) => `v${i} DOUBLE`).join(', ');
  return `CREATE TEMP TABLE IF NOT EXISTS ${stagingTable(fieldCount)} (sid DOUBLE, ts DOUBLE, ${values})`;
}

export const CREATE_STAGING_SYMBOLS = `CREATE TEMP TABLE IF NOT EXISTS ${STAGING_SYMBOLS} (sid INTEGER, symbol VARCHAR)`;

export function clearStaging(fieldCount: number): string[] {
  return [`DELETE FROM ${stagingTable(fieldCount)}`, `DELETE FROM ${STAGING_SYMBOLS}`];
}

/**
 * Upserts the staged rows, in two statements run in one transaction: update
 * the (symbol, ts) already present, then insert the rest in (symbol, ts)
 * order. (INSERT OR REPLACE is no faster and lets parallel threads interleave
 * a symbol's rows in storage; this keeps storage sorted, so reads find each
 * symbol in one run and zone maps skip row groups.)
 */
export function upsertFromStaging(info: DatasetInfo): string[] {
  const names = info.fields.map((f) => quoteIdent(f));
  const staged =
    `SELECT m.symbol, s.ts::BIGINT AS ts, ${info.fields.map((_, i) => `s.v${i} AS ${names[i]}`).join(', ')} ` +
    `FROM ${stagingTable(info.fields.length)} s JOIN ${STAGING_SYMBOLS} m ON m.sid = s.sid::INTEGER`;
  const table = tableRef(info.name);
  const update =
    `UPDATE ${table} AS t SET ${names.map((n) => `${n} = x.${n}`).join(', ')} ` +
    `FROM (${staged}) AS x WHERE t.symbol = x.symbol AND t.ts = x.ts`;
  const insert =
    `INSERT INTO ${table} (symbol, ts, ${names.join(', ')}) SELECT x.symbol, x.ts, ${names.map((n) => `x.${n}`).join(', ')} ` +
    `FROM (${staged}) AS x WHERE NOT EXISTS (SELECT 1 FROM ${table} AS t WHERE t.symbol = x.symbol AND t.ts = x.ts) ORDER BY x.symbol, x.ts`;
  return [update, insert];
}
