import type { DatasetInfo } from '@florin/core';
import { CATALOG_TABLE, datasetTable } from './catalog.js';
import { quoteIdent, quoteLiteral } from './sql-names.js';
import type { CoverPlan, WriteBatch } from './write-batch.js';

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

/**
 * One table per dataset; fields are NOT NULL doubles (NaN is a value, not a NULL).
 * No PRIMARY KEY: (symbol, ts) is unique because the store is the partition's
 * single writer and every write is an upsert (upsertFromStaging). DuckDB's
 * primary-key index (an ART) cost 3-6x the insert itself (62,500 rows: 400-1,600 ms
 * with it, 120-300 ms without, one thread); reads use the zone maps of the
 * (symbol, ts)-sorted storage, not the index. Tables made with the key by earlier
 * versions keep it and work the same.
 */
export function createDatasetTable(info: DatasetInfo): string {
  const fields = info.fields.map((f) => `${quoteIdent(f)} DOUBLE NOT NULL`).join(', ');
  return `CREATE TABLE ${tableRef(info.name)} (symbol VARCHAR NOT NULL, ts BIGINT NOT NULL, ${fields})`;
}

/** From this many symbols a read joins the symbol list instead of testing each row against it (selectSeries). */
const JOIN_FROM_SYMBOLS = 9;

/**
 * A read: every column comes back as DOUBLE so the result copies straight
 * into Float64Arrays. Column 0 is the 1-based position of the row's symbol in
 * $symbols. There is no ORDER BY: sorting costs more than the scan, and rows
 * usually arrive in storage order, which is (symbol, ts) order as written;
 * the reader groups by symbol and sorts only a symbol whose rows are not in order.
 * $lo and $hi (the least and greatest symbol asked for) let zone maps skip
 * row groups, since storage is sorted by symbol.
 *
 * Below JOIN_FROM_SYMBOLS symbols (up to 8), each row is tested against the list
 * (list_contains, list_position: a scan of the list per row). From it, the
 * list is joined as a table (a hash join), because testing every row against
 * the list costs rows x symbols: a read of 1,000 symbols x 10 years of one
 * field from a 2,000-symbol table took 5.5 s with the list and 0.7 s with the
 * join (same rows, bit for bit); with 25 symbols spread over the table, 288
 * against 114 ms; at 1 symbol the list is 0.7 ms faster (one thread, the
 * table in memory; docs/performance.md). Symbols are distinct (resolveRead).
 */
export function selectSeries(dataset: string, fields: readonly string[], symbolCount: number): string {
  const window = `t.symbol BETWEEN $lo AND $hi AND t.ts >= $start AND t.ts < $end`;
  const columns = fields.map((f) => `t.${quoteIdent(f)}`).join(', ');
  if (symbolCount < JOIN_FROM_SYMBOLS) {
    return `SELECT list_position($symbols, t.symbol)::DOUBLE AS idx, t.ts::DOUBLE AS ts, ${columns} FROM ${tableRef(dataset)} AS t WHERE ${window} AND list_contains($symbols, t.symbol)`;
  }
  return (
    `SELECT w.idx, t.ts::DOUBLE AS ts, ${columns} FROM ${tableRef(dataset)} AS t ` +
    `JOIN (SELECT unnest($symbols) AS symbol, generate_subscripts($symbols, 1)::DOUBLE AS idx) AS w ON t.symbol = w.symbol WHERE ${window}`
  );
}

export function selectSymbols(dataset: string): string {
  return `SELECT DISTINCT symbol FROM ${tableRef(dataset)} ORDER BY symbol`;
}

/** The first timestamp of the dataset's rows (NULL when it has none). */
export function firstTimestamp(dataset: string): string {
  return `SELECT min(ts)::DOUBLE FROM ${tableRef(dataset)}`;
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

/** The statements of one upsert (see upsertFromStaging). */
export interface UpsertStatements {
  /** Answers a row when some staged key may already be stored (same symbols, overlapping time span). */
  readonly probe: string;
  /** Deletes the stored rows of staged keys. */
  readonly remove: string;
  /** Inserts every staged row in (symbol, ts) order. */
  readonly insert: string;
}

/**
 * The two queries behind Store.writeChecked (CoverPlan), run by the writer in
 * the write's transaction after writing the batch: a row of the batch's
 * symbols in the cover range outside the written span, and each symbol's
 * stored rows inside the span.
 */
export function coverQueries(batch: WriteBatch, plan: CoverPlan): { outside: string; count: string } {
  const table = tableRef(batch.dataset.name);
  const symbols = batch.segments.map((g) => quoteLiteral(g.symbol)).join(', ');
  return {
    outside: `SELECT 1 FROM ${table} WHERE symbol IN (${symbols}) AND ((ts >= ${plan.start} AND ts < ${plan.first}) OR (ts > ${plan.last} AND ts < ${plan.end})) LIMIT 1`,
    count: `SELECT symbol, count(*) FROM ${table} WHERE symbol IN (${symbols}) AND ts BETWEEN ${plan.first} AND ${plan.last} GROUP BY symbol`,
  };
}

/**
 * Upserts the staged rows of `batch`, run in one transaction: when the probe
 * finds stored rows of the batch's symbols inside its time span, delete the
 * stored (symbol, ts) that the batch holds; then insert every staged row in
 * (symbol, ts) order, so storage stays sorted by symbol and reads find each
 * symbol in one run. The probe and the delete name the symbols and the span
 * as constants, so zone maps skip the row groups of other symbols; a batch of
 * new rows (results being published) costs the probe and the insert only. A
 * batch holds each (symbol, ts) once (WriteBatch merges repeats, the later
 * frame winning).
 */
export function upsertFromStaging(batch: WriteBatch): UpsertStatements {
  const info = batch.dataset;
  const names = info.fields.map((f) => quoteIdent(f));
  const staged =
    `SELECT m.symbol, s.ts::BIGINT AS ts, ${info.fields.map((_, i) => `s.v${i} AS ${names[i]}`).join(', ')} ` +
    `FROM ${stagingTable(info.fields.length)} s JOIN ${STAGING_SYMBOLS} m ON m.sid = s.sid::INTEGER`;
  const table = tableRef(info.name);
  let min = Infinity;
  let max = -Infinity;
  for (const segment of batch.segments) {
    const n = segment.timestamps.length;
    if (n === 0) continue;
    min = Math.min(min, segment.timestamps[0]!);
    max = Math.max(max, segment.timestamps[n - 1]!);
  }
  const where = `symbol IN (${batch.segments.map((g) => quoteLiteral(g.symbol)).join(', ')}) AND ts BETWEEN ${min} AND ${max}`;
  return {
    probe: `SELECT 1 FROM ${table} WHERE ${where} LIMIT 1`,
    remove: `DELETE FROM ${table} AS t USING (${staged}) AS x WHERE t.${where.replace(' AND ts', ' AND t.ts')} AND t.symbol = x.symbol AND t.ts = x.ts`,
    insert:
      `INSERT INTO ${table} (symbol, ts, ${names.join(', ')}) SELECT x.symbol, x.ts, ${names.map((n) => `x.${n}`).join(', ')} ` +
      `FROM (${staged}) AS x ORDER BY x.symbol, x.ts`,
  };
}
