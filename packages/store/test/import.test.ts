import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { framesBitEqual, type SeriesFrame } from '@florin/core';
import { DuckDbStore, importFile } from '@florin/store';
import { expectCode, frame } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'florin-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
const FIELDS = ['open', 'close', 'volume'];

let store: DuckDbStore;
let files = 0;
beforeEach(async () => {
  store = new DuckDbStore({ path: join(dir, `import-${++files}.duckdb`) });
  await store.open();
});
afterEach(() => store.close());

function csv(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n'));
  return file;
}

async function readAll(dataset: string, symbols: string[]): Promise<SeriesFrame[]> {
  return store.read({ dataset, symbols, fields: FIELDS, range: { start: 0, end: day('2030-01-01') } });
}

function expectBitEqual(actual: SeriesFrame[], expected: SeriesFrame[]): void {
  expect(actual.map((f) => f.symbol)).toEqual(expected.map((f) => f.symbol));
  actual.forEach((f, i) => expect(framesBitEqual(f, expected[i]!), `${f.symbol}: ${JSON.stringify([...f.timestamps])} ${JSON.stringify(f.columns.map((c) => [...c]))}`).toBe(true));
}

const MIXED = [
  ' Symbol , Date ,Open,Close,Volume', // 1: header, names trimmed and lower-cased
  'AAA,2024-01-02,10.5,11.25,1000', // 2
  'AAA,2024-01-03,11,11.5,1200', // 3
  'BBB,2024-01-02T00:00:00Z,20,21,500', // 4: ISO-8601
  'BBB,1704326400000,21,22,600', // 5: epoch ms (2024-01-04)
  'AAA,2024-13-01,1,1,1', // 6: bad date
  'AAA,2024-01-04,abc,1,1', // 7: not a number
  'AAA,2024-01-05,,1,1', // 8: empty price
  'bad sym,2024-01-02,1,1,1', // 9: malformed symbol
  'AAA,2024-01-08,1,2', // 10: a column short
  'AAA,2024-01-02,99,99,99', // 11: repeats line 2
  'CCC,2024-01-05,NaN,-0,1e-300', // 12: NaN is an explicit missing value
  '', // 13: blank, skipped
  'CCC,2024-01-04T12:00:00+02:00,1.5,0.30000000000000004,3', // 14: out of order, with an offset
  'DDD,2024-01-02,1,Infinity,3', // 15: not finite
  'DDD,20240102,1,2,3', // 16: ambiguous compact date
  'DDD,2024-02-30,1,2,3', // 17: no such day
];

describe('importFile (CSV)', () => {
  it('loads the good rows, rejects each bad one with its line and reason, and stores exact values', async () => {
    const file = csv('mixed.csv', MIXED);
    const result = await importFile(store, { dataset: 'bars', file, createIfMissing: true });
    expect(result.rowsLoaded).toBe(6);
    expect(result.rowsRejected).toBe(9);
    expect(result.rejections.map((r) => r.line)).toEqual([6, 7, 8, 9, 10, 11, 15, 16, 17]);
    const reasons = result.rejections.map((r) => r.reason);
    expect(reasons[0]).toMatch(/bad date: "2024-13-01" is not a calendar date/);
    expect(reasons[1]).toMatch(/open is not a number: "abc"/);
    expect(reasons[2]).toMatch(/empty value for open/);
    expect(reasons[3]).toMatch(/malformed symbol "bad sym"/);
    expect(reasons[4]).toMatch(/expected 5 columns \(symbol, date, open, close, volume\), got 4/);
    expect(reasons[5]).toMatch(/duplicate of line 2: same symbol AAA and time 2024-01-02T00:00:00.000Z/);
    expect(reasons[6]).toMatch(/close is not a number: "Infinity"/);
    expect(reasons[7]).toMatch(/ambiguous/);
    expect(reasons[8]).toMatch(/not a calendar date/);

    expect(await store.getDataset('bars')).toEqual({ name: 'bars', fields: FIELDS, frequency: '1d' });
    expect(await store.countRows('bars')).toBe(6);
    expect(await store.symbols('bars')).toEqual(['AAA', 'BBB', 'CCC']);
    expectBitEqual(await readAll('bars', ['AAA', 'BBB', 'CCC', 'DDD']), [
      frame('AAA', FIELDS, [day('2024-01-02'), day('2024-01-03')], [[10.5, 11], [11.25, 11.5], [1000, 1200]]),
      frame('BBB', FIELDS, [day('2024-01-02'), day('2024-01-04')], [[20, 21], [21, 22], [500, 600]]),
      frame('CCC', FIELDS, [day('2024-01-04') + 10 * 3_600_000, day('2024-01-05')], [[1.5, Number.NaN], [0.1 + 0.2, -0], [3, 1e-300]]),
    ]);
  });

  it('gives the same result in small batches, and importing again changes nothing', async () => {
    const file = csv('batched.csv', MIXED);
    const first = await importFile(store, { dataset: 'bars', file, createIfMissing: true, batchRows: 2, maxRejections: 3 });
    expect(first.rowsLoaded).toBe(6);
    expect(first.rowsRejected).toBe(9);
    expect(first.rejections.map((r) => r.line)).toEqual([6, 7, 8]);
    const before = await readAll('bars', ['AAA', 'BBB', 'CCC']);
    const again = await importFile(store, { dataset: 'bars', file });
    expect(again.rowsLoaded).toBe(6);
    expect(await store.countRows('bars')).toBe(6);
    expectBitEqual(await readAll('bars', ['AAA', 'BBB', 'CCC']), before);
  });

  it('reports an unclosed quote as a rejected line and keeps the rows before it', async () => {
    const file = csv('quote.csv', ['symbol,ts,open,close,volume', 'AAA,1704153600000,1,2,3', '"BBB,1704153600000,1,2,3', 'CCC,1704153600000,1,2,3']);
    const result = await importFile(store, { dataset: 'bars', file, createIfMissing: true });
    expect(result.rowsLoaded).toBe(1);
    expect(result.rowsRejected).toBe(1);
    expect(result.rejections[0]!.reason).toMatch(/malformed CSV: .*[Qq]uote/);
  });

  it('refuses files that cannot be imported before writing anything', async () => {
    await expectCode(importFile(store, { dataset: 'bars', file: csv('ok.csv', MIXED.slice(0, 3)) }), 'NOT_FOUND', /unknown dataset bars/);
    await expectCode(importFile(store, { dataset: 'bars', file: join(dir, 'missing.csv') }), 'NOT_FOUND', /does not exist/);
    await expectCode(importFile(store, { dataset: 'bars', file: join(dir, 'x.txt') }), 'INVALID_ARGUMENT', /format/);
    await expectCode(importFile(store, { dataset: 'bars', file: csv('nosym.csv', ['ticker,date,close']), createIfMissing: true }), 'INVALID_ARGUMENT', /no symbol column/);
    await expectCode(importFile(store, { dataset: 'bars', file: csv('both.csv', ['symbol,date,ts,close']), createIfMissing: true }), 'INVALID_ARGUMENT', /both date and ts/);
    await expectCode(importFile(store, { dataset: 'bars', file: csv('empty.csv', []), createIfMissing: true }), 'INVALID_ARGUMENT', /empty/);
    await store.createDataset({ name: 'bars', fields: ['open', 'close', 'volume', 'vwap'], frequency: '1d' });
    await expectCode(importFile(store, { dataset: 'bars', file: csv('few.csv', MIXED.slice(0, 3)) }), 'INVALID_ARGUMENT', /lacks column\(s\) vwap/);
    await expectCode(importFile(store, { dataset: 'bars', file: csv('few2.csv', MIXED.slice(0, 3)), frequency: '1h' }), 'INVALID_ARGUMENT', /frequency/);
    expect(await store.countRows('bars')).toBe(0);
  });
});

describe('importFile (Parquet)', () => {
  async function writeParquet(name: string, select: string): Promise<string> {
    const file = join(dir, name);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
    connection.disconnectSync();
    instance.closeSync();
    return file;
  }

  it('loads typed columns exactly and rejects bad rows by row number', async () => {
    const file = await writeParquet(
      'bars.parquet',
      `SELECT * FROM (VALUES
        ('AAA', DATE '2024-01-02', 0.1::DOUBLE + 0.2, 1.7976931348623157e308::DOUBLE, 100::BIGINT),
        ('AAA', DATE '2024-01-03', -0.0::DOUBLE, 5e-324::DOUBLE, 200::BIGINT),
        ('BBB', DATE '2024-01-02', 3.25::DOUBLE, NULL::DOUBLE, 300::BIGINT),
        ('BBB', DATE '2024-01-03', 'NaN'::DOUBLE, 4.5::DOUBLE, 400::BIGINT),
        ('AAA', DATE '2024-01-02', 9::DOUBLE, 9::DOUBLE, 9::BIGINT),
        ('no good', DATE '2024-01-02', 1::DOUBLE, 1::DOUBLE, 1::BIGINT)
      ) t(symbol, date, open, close, volume)`,
    );
    const result = await importFile(store, { dataset: 'daily', file, createIfMissing: true });
    expect(result).toEqual({
      rowsLoaded: 3,
      rowsRejected: 3,
      rejections: [
        { line: 3, reason: 'empty value for close' },
        { line: 5, reason: 'duplicate of line 1: same symbol AAA and time 2024-01-02T00:00:00.000Z' },
        { line: 6, reason: expect.stringMatching(/malformed symbol "no good"/) },
      ],
    });
    expectBitEqual(await readAll('daily', ['AAA', 'BBB']), [
      frame('AAA', FIELDS, [day('2024-01-02'), day('2024-01-03')], [[0.1 + 0.2, -0], [Number.MAX_VALUE, Number.MIN_VALUE], [100, 200]]),
      frame('BBB', FIELDS, [day('2024-01-03')], [[Number.NaN], [4.5], [400]]),
    ]);
  });

  it('accepts timestamp, epoch-ms and text time columns', async () => {
    const file = await writeParquet(
      'ts.parquet',
      `SELECT * FROM (VALUES ('X', TIMESTAMP '2024-01-02 09:30:00', 1.0), ('X', TIMESTAMP '2024-01-02 09:31:00', 2.0)) t(symbol, date, close)`,
    );
    expect((await importFile(store, { dataset: 'minutes', file, createIfMissing: true, frequency: '1m' })).rowsLoaded).toBe(2);
    const epoch = await writeParquet('epoch.pq', `SELECT 'X' AS symbol, 1704187920000::BIGINT AS ts, 3.0 AS close`);
    expect((await importFile(store, { dataset: 'minutes', file: epoch })).rowsLoaded).toBe(1);
    const text = await writeParquet('text.parquet', `SELECT 'X' AS symbol, '2024-01-02T09:33:00Z' AS date, '4.5' AS close`);
    expect((await importFile(store, { dataset: 'minutes', file: text })).rowsLoaded).toBe(1);
    const [got] = await store.read({ dataset: 'minutes', symbols: ['X'], fields: ['close'], range: { start: 0, end: day('2025-01-01') } });
    const t = Date.parse('2024-01-02T09:30:00Z');
    expect(framesBitEqual(got!, frame('X', ['close'], [t, t + 60_000, t + 120_000, t + 180_000], [[1, 2, 3, 4.5]]))).toBe(true);
    expect(await store.getDataset('minutes')).toEqual({ name: 'minutes', fields: ['close'], frequency: '1m' });
  });
});
