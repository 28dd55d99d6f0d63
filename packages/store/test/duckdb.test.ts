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

  it('appends many symbols sharing data chunks, inline and heap-stored names (12, 13 and 32 bytes), bit-exact', async () => {
    const store = new DuckDbStore({ path: join(dir, 'append-many.duckdb'), threads: 1 });
    await store.open();
    await store.createDataset({ name: 'sig', fields: ['a'], frequency: '1d' });
    // Row counts that end mid-chunk, so chunks carry runs of several symbols, some split across two chunks.
    const names = ['A', 'ABCDEFGHIJKL', 'ABCDEFGHIJKLM', 'S'.repeat(32), 'B.1', 'C-2', 'D_3', 'E:4'];
    const sizes = [1, 700, 1500, 2047, 2049, 3, 4100, 333];
    const frames = names.map((symbol, s) => {
      const n = sizes[s]!;
      const timestamps = Float64Array.from({ length: n }, (_, i) => (i - 7) * 86_400_000 + s);
      const values = Float64Array.from({ length: n }, (_, i) => Math.sin(s * 10_000 + i) * 1e6);
      return { symbol, fields: ['a'], timestamps, columns: [values] };
    });
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(await store.write('sig', frames)).toBe(total);
    expect(await store.countRows('sig')).toBe(total);
    expect(await store.symbols('sig')).toEqual([...names].sort());
    const read = await store.read({ dataset: 'sig', symbols: names, fields: ['a'], range: { start: -Number.MAX_SAFE_INTEGER, end: Number.MAX_SAFE_INTEGER } });
    read.forEach((frame, s) => {
      expect(frame.symbol).toBe(names[s]);
      expect(Buffer.from(frame.timestamps.buffer, frame.timestamps.byteOffset, frame.timestamps.byteLength).equals(Buffer.from(frames[s]!.timestamps.buffer))).toBe(true);
      expect(Buffer.from(frame.columns[0]!.buffer, frame.columns[0]!.byteOffset, frame.columns[0]!.byteLength).equals(Buffer.from(frames[s]!.columns[0]!.buffer))).toBe(true);
    });
    await store.close();
  });
});
