import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { openJobStore } from '@florin/coordinator';
import { postgresUrl } from '@florin/test-support';
import { jobStoreContract } from './job-store-contract.js';
import type { StoreBackend } from './job-store-fixtures.js';

const PG_URL = await postgresUrl('PostgreSQL JobStore contract');

function postgresBackend(): StoreBackend {
  const schema = `coord_test_${randomBytes(6).toString('hex')}`;
  const spec = { kind: 'postgres' as const, url: PG_URL!, schema };
  return {
    open: () => openJobStore(spec),
    reopen: () => openJobStore(spec),
    raw: async (statements) => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        await client.query(`SET search_path TO "${schema}"`);
        for (const sql of statements) await client.query(sql);
      } finally {
        await client.end();
      }
    },
    cleanup: async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

describe.skipIf(!PG_URL)('PostgreSQL', () => {
  jobStoreContract('PostgreSQL', postgresBackend);
});
