import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '@florin/store';
import { frame, registerStoreContract } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'florin-duckdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
registerStoreContract('duckdb', () => new DuckDbStore({ path: join(dir, `contract-${++files}.duckdb`) }));

describe('DuckDbStore', () => {
  it('keeps data and catalog across close and reopen, NaN payloads and -0 included', async () => {
    const path = join(dir, 'nested', 'reopen.duckdb');
    const info = { name: 'bars', fields: ['close'], frequency: '1d' };
    const odd = new Float64Array(4);
    const bits = new DataView(odd.buffer);
    bits.setBigUint64(0, 0x7ff8000000000001n, true); // a quiet NaN with a payload
    bits.setBigUint64(8, 0xfff0000000000abcn, true); // a signalling NaN
    odd[2] = -0;
    odd[3] = Number.NaN;
    const written = { symbol: 'X', fields: ['close'], timestamps: Float64Array.of(1, 2, 3, 4), columns: [odd] };

    const first = new DuckDbStore({ path });
    await first.open();
    await first.createDataset(info);
    await first.write('bars', [written]);
    await first.close();

    const second = new DuckDbStore({ path, readConnections: 1 });
    await second.open();
    expect(await second.listDatasets()).toEqual([info]);
    const [got] = await second.read({ dataset: 'bars', symbols: ['X'], fields: [], range: { start: 0, end: 10 } });
    expect(Buffer.from(got!.columns[0]!.buffer).equals(Buffer.from(odd.buffer))).toBe(true);
    await second.close();
  });

  it('works in memory', async () => {
    const store = new DuckDbStore({ path: ':memory:' });
    await store.open();
    await store.createDataset({ name: 'm', fields: ['v'], frequency: '1h' });
    await store.write('m', [frame('A', ['v'], [0, 3_600_000], [[1, 2]])]);
    expect(await store.countRows('m')).toBe(2);
    await store.close();
  });

  it('rejects invalid options precisely', () => {
    expect(() => new DuckDbStore({ path: '' })).toThrow(/needs a path/);
    expect(() => new DuckDbStore({ path: ':memory:', readConnections: 0 })).toThrow(/readConnections/);
    expect(() => new DuckDbStore({ path: ':memory:', memoryLimit: 'lots' })).toThrow(/memoryLimit/);
  });

  it('appends all-new rows straight into the table: bit-exact, negative and large timestamps, an overwrite then upserts', async () => {
    const store = new DuckDbStore({ path: join(dir, 'append.duckdb'), threads: 1 });
    await store.open();
    await store.createDataset({ name: 'sig', fields: ['a', 'b'], frequency: '1d' });
    const odd = new Float64Array(3);
    new DataView(odd.buffer).setBigUint64(0, 0x7ff8000000000001n, true);
    odd[1] = -0;
    odd[2] = 1e-310;
    const ts = Float64Array.of(-86_400_000 * 365 * 80, 0, Number.MAX_SAFE_INTEGER - 1); // reads are [start, end)
    // Symbols out of order, and more rows than one DuckDB chunk (2048) for one of them.
    const long = Float64Array.from({ length: 5000 }, (_, i) => 1_000 + i);
    const longValues = Float64Array.from({ length: 5000 }, (_, i) => i * 0.5);
    const frames = [
      { symbol: 'ZZ', fields: ['b', 'a'], timestamps: ts, columns: [Float64Array.of(7, 8, 9), odd] },
      { symbol: 'AA', fields: ['a', 'b'], timestamps: long, columns: [longValues, longValues.map((v) => -v)] },
    ];
    expect(await store.write('sig', frames)).toBe(5003);
    const [zz, aa] = await store.read({ dataset: 'sig', symbols: ['ZZ', 'AA'], fields: ['a', 'b'], range: { start: -Number.MAX_SAFE_INTEGER, end: Number.MAX_SAFE_INTEGER } });
    expect(Array.from(zz!.timestamps)).toEqual(Array.from(ts));
    expect(Buffer.from(zz!.columns[0]!.buffer).equals(Buffer.from(odd.buffer))).toBe(true);
    expect(Array.from(zz!.columns[1]!)).toEqual([7, 8, 9]);
    expect(Array.from(aa!.timestamps)).toEqual(Array.from(long));
    expect(Array.from(aa!.columns[1]!)).toEqual(Array.from(longValues, (v) => -v));
    // Both symbols are listed (the rows went in sorted by symbol, AA first).
    expect(await store.symbols('sig')).toEqual(['AA', 'ZZ']);
    // An overwrite of part of ZZ (the probe finds stored rows) upserts: one row replaced, one added, nothing duplicated.
    await store.write('sig', [{ symbol: 'ZZ', fields: ['a', 'b'], timestamps: Float64Array.of(0, 5), columns: [Float64Array.of(1, 2), Float64Array.of(3, 4)] }]);
    expect(await store.countRows('sig')).toBe(5004);
    const [again] = await store.read({ dataset: 'sig', symbols: ['ZZ'], fields: ['a'], range: { start: -Number.MAX_SAFE_INTEGER, end: Number.MAX_SAFE_INTEGER } });
    expect(Array.from(again!.timestamps)).toEqual([ts[0], 0, 5, ts[2]]);
    expect(Array.from(again!.columns[0]!.subarray(1, 3))).toEqual([1, 2]);
    await store.close();
  });
});
