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
});
