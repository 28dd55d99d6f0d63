import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '@florin/store';
import { postgresUrl } from '@florin/test-support';
import { expectCode, registerStoreContract, sampleFrame } from './contract.js';

const url = await postgresUrl('PostgresStore');

const schema = `florin_test_${process.pid}_${randomBytes(4).toString('hex')}`;

describe.skipIf(!url)('PostgresStore', () => {
  afterAll(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  // Small statements, so multi-statement writes (still one transaction) are exercised too.
  registerStoreContract('postgres', () => new PostgresStore({ url: url!, schema, poolSize: 3, batchRows: 97 }));

  it('shares the catalog and data between stores on one schema', async () => {
    const a = new PostgresStore({ url: url!, schema });
    const b = new PostgresStore({ url: url!, schema });
    await Promise.all([a.open(), b.open()]);
    try {
      const info = { name: `shared_${process.pid}`, fields: ['close'], frequency: '1d' };
      const created = await Promise.all([a.createDataset(info), b.createDataset(info)]);
      expect(created.sort()).toEqual([false, true]);
      expect(await b.getDataset(info.name)).toEqual(info);
      await a.write(info.name, [sampleFrame('X', 0, ['close'], 10)]);
      expect(await b.countRows(info.name)).toBe(10);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('refuses dataset names PostgreSQL would truncate', async () => {
    const store = new PostgresStore({ url: url!, schema });
    await store.open();
    try {
      await expectCode(store.createDataset({ name: `a${'b'.repeat(61)}`, fields: ['x'], frequency: '1d' }), 'INVALID_ARGUMENT', /too long/);
    } finally {
      await store.close();
    }
  });
});

describe('PostgresStore without a server', () => {
  it('fails open with UNAVAILABLE when nothing listens', async () => {
    const store = new PostgresStore({ url: 'postgres://nobody:secret@127.0.0.1:1/none', schema: 'x', connectTimeoutMs: 2000 });
    await expectCode(store.open(), 'UNAVAILABLE', /127\.0\.0\.1:1/);
    let message = '';
    await store.open().catch((err: Error) => (message = err.message));
    expect(message).not.toContain('secret');
    await store.close();
  });

  it('rejects invalid options precisely', () => {
    expect(() => new PostgresStore({ url: 'mysql://x' })).toThrow(/needs a url/);
    expect(() => new PostgresStore({ url: 'postgres://x/y', schema: 'Bad-Schema' })).toThrow(/schema/);
    expect(() => new PostgresStore({ url: 'postgres://x/y', poolSize: 0 })).toThrow(/poolSize/);
  });
});
