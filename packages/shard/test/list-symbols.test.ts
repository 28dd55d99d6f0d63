import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardFor } from '@florin/core';
import { DuckDbStore } from '@florin/store';
import { ShardClient } from '@florin/shard-client';
import { ShardServer } from '@florin/shard';
import { startShardCluster as startCluster, type ShardCluster } from '@florin/test-support';
import { DAY_MS, syntheticFrame, failure } from '@florin/test-support';

const DAILY = { name: 'daily', fields: ['close'], frequency: '1d' };
const EMPTY = { name: 'empty', fields: ['close'], frequency: '1d' };
const START = Date.UTC(2023, 0, 2);
// Unsorted on purpose, with symbol characters that sort differently by locale.
const SYMBOLS = ['MSFT', 'AAPL', 'BRK.B', 'aapl', '7203:JP', 'SPX^', 'EUR/USD', 'Z', 'ES=F', 'B-1', 'AA', 'A'];

describe('ShardService.ListSymbols', () => {
  let cluster: ShardCluster;

  beforeAll(async () => {
    cluster = await startCluster(2);
    await cluster.router.createDataset(DAILY);
    await cluster.router.createDataset(EMPTY);
    await cluster.router.write(
      DAILY.name,
      DAILY.fields,
      SYMBOLS.map((s, i) => syntheticFrame(s, DAILY.fields, 10 + i, START, DAY_MS, i + 1)),
    );
  });
  afterAll(() => cluster?.close());

  it('answers each shard exactly its own symbols, sorted, and the router all of them', async () => {
    const sorted = [...SYMBOLS].sort();
    for (const shardId of [0, 1]) {
      const own = sorted.filter((s) => shardFor(DAILY.name, s, 2) === shardId);
      expect(own.length).toBeGreaterThan(0);
      expect(await cluster.router.client(shardId).listSymbols(DAILY.name)).toEqual(own);
      // What the shard's own store holds.
      expect(await cluster.stores[shardId]!.symbols(DAILY.name)).toEqual(own);
    }
    expect(await cluster.router.listSymbols(DAILY.name)).toEqual(sorted);
  });

  it('answers an empty list for a dataset without rows', async () => {
    expect(await cluster.router.client(0).listSymbols(EMPTY.name)).toEqual([]);
    expect(await cluster.router.listSymbols(EMPTY.name)).toEqual([]);
  });

  it('NOT_FOUND for an unknown or malformed dataset, INVALID_ARGUMENT without one', async () => {
    for (const name of ['nosuch', 'Bad Name!']) {
      const err = await failure(cluster.router.client(1).listSymbols(name));
      expect(err.code).toBe('NOT_FOUND');
      expect(err.message).toBe(`unknown dataset ${JSON.stringify(name)}`);
    }
    expect((await failure(cluster.router.listSymbols('nosuch'))).code).toBe('NOT_FOUND');
    const missing = await failure(cluster.router.client(0).listSymbols(''));
    expect(missing.code).toBe('INVALID_ARGUMENT');
    expect(missing.message).toContain('dataset is required');
  });

  it('sees a dataset created after the shard started (catalog miss goes to the store)', async () => {
    const later = { name: 'later', fields: ['close'], frequency: '1d' };
    await cluster.stores[0]!.createDataset(later);
    expect(await cluster.router.client(0).listSymbols(later.name)).toEqual([]);
  });

  it('answers only owned symbols when shards share one store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'florin-shard-shared-'));
    const store = new DuckDbStore({ path: join(dir, 'shared.duckdb') });
    const shards = [0, 1].map((shardId) => new ShardServer({ store, shardId, shardCount: 2 }));
    const clients: ShardClient[] = [];
    try {
      await store.open();
      await store.createDataset(DAILY);
      await store.write(DAILY.name, SYMBOLS.map((s, i) => syntheticFrame(s, DAILY.fields, 5, START, DAY_MS, i + 1)));
      for (const shard of shards) clients.push(new ShardClient((await shard.start()).address));
      const answers = await Promise.all(clients.map((c) => c.listSymbols(DAILY.name)));
      answers.forEach((symbols, shardId) => {
        expect(symbols).toEqual([...SYMBOLS].sort().filter((s) => shardFor(DAILY.name, s, 2) === shardId));
      });
      expect([...answers[0]!, ...answers[1]!].sort()).toEqual([...SYMBOLS].sort());
    } finally {
      for (const c of clients) c.close();
      await Promise.all(shards.map((s) => s.close(100)));
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
