import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlorinError, shardFor } from '@florin/core';
import { ShardRouter } from '@florin/shard-client';
import { generateMarket, type SampleMarket } from '@florin/store';
import { startShardCluster as startCluster, type ShardCluster } from '@florin/test-support';

describe('two shards filled through the router', () => {
  let cluster: ShardCluster;
  let market: SampleMarket;

  beforeAll(async () => {
    cluster = await startCluster(2);
    market = generateMarket({ symbols: 40, years: 2, seed: 11 });
    const created = await cluster.router.createDataset(market.dataset);
    expect(created.created).toBe(true);
    const written = await cluster.router.write(market.dataset.name, market.dataset.fields, [...market.frames()]);
    expect(written).toBe(market.rowCount);
  });
  afterAll(() => cluster?.close());

  it('puts every series on exactly the shard shardFor names', async () => {
    const name = market.dataset.name;
    for (const [shardId, store] of cluster.stores.entries()) {
      const expected = market.symbols.filter((s) => shardFor(name, s, 2) === shardId).sort();
      expect(expected.length, `shard ${shardId} owns some of 40 symbols`).toBeGreaterThan(0);
      expect(await store.symbols(name)).toEqual(expected);
    }
  });

  it('loses and duplicates nothing: rows across shards equal the generated rows', async () => {
    const counts = await Promise.all(cluster.stores.map((s) => s.countRows(market.dataset.name)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(market.rowCount);
    // Writing everything again is an upsert: still the same totals.
    await cluster.router.write(market.dataset.name, market.dataset.fields, [...market.frames()]);
    const again = await Promise.all(cluster.stores.map((s) => s.countRows(market.dataset.name)));
    expect(again).toEqual(counts);
  });

  it('every shard knows the dataset and describes itself', async () => {
    expect(await cluster.router.listDatasets()).toEqual([{ ...market.dataset, fields: [...market.dataset.fields] }]);
    expect(await cluster.router.describe()).toEqual([
      { shardId: 0, shardCount: 2, store: 'duckdb' },
      { shardId: 1, shardCount: 2, store: 'duckdb' },
    ]);
    await cluster.router.verify();
  });

  it('a router whose addresses are swapped is caught by verify()', async () => {
    const swapped = new ShardRouter([cluster.addresses[1]!, cluster.addresses[0]!]);
    try {
      const err = await swapped.verify().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FlorinError);
      expect((err as FlorinError).code).toBe('FAILED_PRECONDITION');
      expect((err as FlorinError).message).toContain('is shard 1 of 2; this router expects shard 0 of 2');
    } finally {
      swapped.close();
      swapped.close();
    }
  });
});
