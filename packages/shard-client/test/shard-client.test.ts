import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framesBitEqual, shardFor } from '@florin/core';
import { ShardClient, ShardRouter } from '@florin/shard-client';
import { generateMarket, type SampleMarket } from '@florin/store';
import { startShardCluster as startCluster, type ShardCluster } from '@florin/test-support';
import { failure } from '@florin/test-support';

describe('ShardClient and ShardRouter against real shards', () => {
  let cluster: ShardCluster;
  let router: ShardRouter;
  let market: SampleMarket;

  beforeAll(async () => {
    cluster = await startCluster(3, { chunkBytes: 32 * 1024 });
    router = cluster.router;
    market = generateMarket({ symbols: 30, years: 3, seed: 5 });
    await router.createDataset(market.dataset);
    await router.write(market.dataset.name, market.dataset.fields, [...market.frames()], { jobId: 'load-1' });
  });
  afterAll(() => cluster?.close());

  it('answers one frame per distinct symbol, in request order, empty when out of range', async () => {
    const [a, b] = market.symbols;
    const range = { start: market.timestamps[0]!, end: market.timestamps.at(-1)! + 1 };
    const got = await router.read({ dataset: market.dataset.name, symbols: [b!, a!, b!, 'ZZZZ9'], fields: ['close', 'open'], range });
    expect(got.map((f) => f.symbol)).toEqual([b, a, 'ZZZZ9']);
    for (const f of got.slice(0, 2)) {
      const full = market.frame(f.symbol);
      expect(framesBitEqual(f, { ...full, fields: ['close', 'open'], columns: [full.columns[3]!, full.columns[0]!] })).toBe(true);
    }
    expect(got[2]!.timestamps.length).toBe(0);
    expect(got[2]!.fields).toEqual(['close', 'open']);
  });

  it('cancels a read in flight when the signal aborts', async () => {
    const controller = new AbortController();
    const range = { start: 0, end: Date.UTC(2030, 0, 1) };
    const pending = router.read({ dataset: market.dataset.name, symbols: market.symbols, range }, { signal: controller.signal });
    setImmediate(() => controller.abort());
    expect((await failure(pending)).code).toBe('CANCELLED');
  });

  it('rejects bad call options and bad routers precisely', async () => {
    const err = await failure(router.client(0).read({ dataset: 'bars', symbols: ['A'], range: { start: 0, end: 1 } }, { deadlineMs: -5 }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('deadlineMs must be a positive number');
    expect(() => new ShardRouter([])).toThrow('ShardRouter needs at least one shard address');
    expect(() => router.client(3)).toThrow('no shard 3; shard ids are 0..2');
  });

  it('routes writes to owners and refuses a frame missing a field before sending it', async () => {
    const symbol = market.symbols[0]!;
    expect(router.shardOf(market.dataset.name, symbol)).toBe(shardFor(market.dataset.name, symbol, 3));
    const frame = market.frame(symbol);
    const bad = { ...frame, fields: frame.fields.slice(0, 4), columns: frame.columns.slice(0, 4) };
    const err = await failure(router.write(market.dataset.name, market.dataset.fields, [bad]));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain(`frame of ${symbol} has no field volume`);
  });

  it('a client of an address with nothing listening fails UNAVAILABLE', async () => {
    const client = new ShardClient('127.0.0.1:1', { limits: { defaultDeadlineMs: 2_000 } });
    try {
      const err = await failure(client.describe());
      expect(['UNAVAILABLE', 'DEADLINE_EXCEEDED']).toContain(err.code);
    } finally {
      client.close();
    }
  });
});
