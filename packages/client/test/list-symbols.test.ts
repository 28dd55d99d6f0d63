import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardFor } from '@florin/core';
import { DataClient, connect } from '@florin/client';
import { generateMarket, type SampleMarket } from '@florin/store';
import { HeadServer } from '@florin/head';
import { startShardCluster as startCluster, type ShardCluster } from '@florin/test-support';
import { failure } from '@florin/test-support';

describe('ListSymbols through 2 real head nodes over 3 real shards', () => {
  let cluster: ShardCluster;
  const heads: HeadServer[] = [];
  let data: DataClient;
  let market: SampleMarket;

  beforeAll(async () => {
    cluster = await startCluster(3);
    market = generateMarket({ symbols: 40, years: 1, seed: 5 });
    await cluster.router.createDataset(market.dataset);
    await cluster.router.write(market.dataset.name, market.dataset.fields, [...market.frames()]);
    for (let i = 0; i < 2; i++) {
      const head = new HeadServer({ shards: cluster.addresses, nodeId: `head-${i}` });
      heads.push(head);
      await head.start();
    }
    data = new DataClient({ heads: heads.map((h) => h.address!) });
  });
  afterAll(async () => {
    data?.close();
    await Promise.all(heads.map((h) => h.close(1_000)));
    await cluster?.close();
  });

  it('answers every symbol of the dataset, sorted and unique, from every shard', async () => {
    const want = [...market.symbols].sort();
    // Every shard holds some of them, so the answer really is a merge.
    for (let shard = 0; shard < 3; shard++) expect(want.some((s) => shardFor(market.dataset.name, s, 3) === shard)).toBe(true);
    const stored = (await Promise.all(cluster.stores.map((s) => s.symbols(market.dataset.name)))).flat().sort();
    expect(stored).toEqual(want);
    expect(await data.listSymbols(market.dataset.name)).toEqual(want);
    // Any head answers the same.
    for (const head of data.heads) expect(await data.client(head).listSymbols(market.dataset.name)).toEqual(want);
  });

  it('sees rows written since, and datasets created behind the head', async () => {
    const info = { name: 'later', fields: ['v'], frequency: '1d' };
    await cluster.router.createDataset(info);
    expect(await data.listSymbols(info.name)).toEqual([]);
    const frame = (symbol: string) => ({ symbol, fields: ['v'], timestamps: Float64Array.of(0, 86_400_000), columns: [Float64Array.of(1, 2)] });
    await data.write(info.name, info.fields, ['ZZ', 'B', 'A', 'M'].map(frame));
    await data.write(info.name, info.fields, ['B', 'C'].map(frame));
    expect(await data.listSymbols(info.name)).toEqual(['A', 'B', 'C', 'M', 'ZZ']);
  });

  it('NOT_FOUND for an unknown dataset, INVALID_ARGUMENT without one', async () => {
    const unknown = await failure(data.listSymbols('nosuch'));
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toBe('unknown dataset "nosuch"');
    for (const head of data.heads) expect((await failure(data.client(head).listSymbols('nosuch'))).code).toBe('NOT_FOUND');
    const missing = await failure(data.listSymbols(''));
    expect(missing.code).toBe('INVALID_ARGUMENT');
    expect(missing.message).toContain('dataset is required');
  });

  it('connect() without a coordinator has no jobs client; its data client lists symbols', async () => {
    const connection = connect({ heads: data.heads });
    try {
      expect(connection.jobs).toBeUndefined();
      expect(await connection.data.listSymbols(market.dataset.name)).toEqual([...market.symbols].sort());
    } finally {
      connection.close();
      connection.close();
    }
    expect((await failure(connection.data.listSymbols(market.dataset.name))).code).toBe('FAILED_PRECONDITION');
    expect(() => connect({ heads: data.heads, coordinator: '' })).toThrow('coordinator must be a host:port address');
  });
});
