import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbStore, openStore, PostgresStore } from '@florin/store';
import { expectCode } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'florin-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openStore', () => {
  it('picks DuckDB for duckdb:<path>, *.duckdb and :memory:', async () => {
    const a = openStore(`duckdb:${join(dir, 'a.db')}`);
    expect(a).toBeInstanceOf(DuckDbStore);
    expect((a as DuckDbStore).config.path).toBe(join(dir, 'a.db'));
    expect((openStore(join(dir, 'b.DuckDB')) as DuckDbStore).config.path).toBe(join(dir, 'b.DuckDB'));
    expect((openStore('duckdb::memory:') as DuckDbStore).config.path).toBe(':memory:');
    expect(openStore(':memory:').kind).toBe('duckdb');
    const store = openStore({ kind: 'duckdb', path: join(dir, 'c.duckdb'), readConnections: 1 });
    expect(store.state).toBe('created');
    await store.open();
    expect(store.state).toBe('open');
    await store.close();
  });

  it('picks PostgreSQL for postgres:// URLs, with ?schema= choosing the schema', () => {
    const p = openStore('postgres://u@127.0.0.1:5432/db?schema=research&sslmode=disable') as PostgresStore;
    expect(p).toBeInstanceOf(PostgresStore);
    expect(p.config.schema).toBe('research');
    expect(p.config.url).toBe('postgres://u@127.0.0.1:5432/db?sslmode=disable');
    expect((openStore('postgresql://u@h/db') as PostgresStore).config.schema).toBe('florin');
    expect(openStore({ kind: 'postgres', url: 'postgres://u@h/db', schema: 's1' }).kind).toBe('postgres');
  });

  it('rejects specs it cannot place', async () => {
    await expectCode(() => openStore('mysql://x/y'), 'INVALID_ARGUMENT', /duckdb:<path>/);
    await expectCode(() => openStore('data.sqlite'), 'INVALID_ARGUMENT');
    await expectCode(() => openStore('duckdb:'), 'INVALID_ARGUMENT', /names no file/);
  });
});
