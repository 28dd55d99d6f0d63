import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { JobsClient } from '@florin/client';
import { openJobStore, runCoordinator } from '@florin/coordinator';
import { jobStoreContract } from './job-store-contract.js';
import { LEGACY_UNIT_ROW, LEGACY_UNITS_TABLE, type StoreBackend } from './job-store-fixtures.js';

function sqliteBackend(): StoreBackend {
  const dir = mkdtempSync(join(tmpdir(), 'florin-coord-'));
  const path = join(dir, 'jobs.sqlite');
  const spec = `sqlite:${path}`;
  return {
    open: () => openJobStore(spec),
    reopen: () => openJobStore(spec),
    raw: async (statements) => {
      const db = new Database(path);
      try {
        for (const sql of statements) db.exec(sql);
      } finally {
        db.close();
      }
    },
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

describe('a coordinator over a store made before unit outputs', () => {
  it('refuses a job without output_dataset for a unit registered without an output, with what to do; takes one that names it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'florin-coord-legacy-'));
    const path = join(dir, 'jobs.sqlite');
    const db = new Database(path);
    db.exec(LEGACY_UNITS_TABLE);
    db.exec(LEGACY_UNIT_ROW);
    db.close();
    const running = await runCoordinator({ store: `sqlite:${path}` });
    const jobs = new JobsClient(running.address);
    try {
      const submission = { unit: 'momentum', dataset: 'daily', symbols: ['AAA'], startMs: 0, endMs: 86_400_000 };
      await expect(jobs.submit(submission)).rejects.toMatchObject({
        code: 'FAILED_PRECONDITION',
        message: expect.stringContaining('restart its QCUs so they register it again, or name spec.output_dataset'),
      });
      expect((await jobs.submit({ ...submission, outputDataset: 'old_signal' })).job.outputDataset).toBe('old_signal');
    } finally {
      jobs.close();
      await running.close(100);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
