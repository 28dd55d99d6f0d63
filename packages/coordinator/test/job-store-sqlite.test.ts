import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJobStore } from '@florin/coordinator';
import { jobStoreContract, type StoreBackend } from './job-store-contract.js';

function sqliteBackend(): StoreBackend {
  const dir = mkdtempSync(join(tmpdir(), 'florin-coord-'));
  const spec = `sqlite:${join(dir, 'jobs.sqlite')}`;
  return {
    open: () => openJobStore(spec),
    reopen: () => openJobStore(spec),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

jobStoreContract('SQLite', sqliteBackend);

describe('openJobStore', () => {
  it('tells the store kind from the spec, and explains what it cannot parse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'florin-coord-'));
    try {
      for (const spec of [join(dir, 'a.db'), join(dir, 'b.sqlite'), `sqlite:${join(dir, 'c')}`]) {
        const store = await openJobStore(spec);
        expect(store.kind).toBe('sqlite');
        await store.close();
        await store.close();
      }
      await expect(openJobStore('jobs.txt')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('sqlite:<path>') });
      await expect(openJobStore('sqlite:')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
