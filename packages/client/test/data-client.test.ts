import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emptyFrame,
  framesBitEqual,
  shardFor,
  type SeriesFrame,
  type TimeRange,
} from '@florin/core';
import { DataClient, HeadClient, HeadRing, connect, type SeriesQuery } from '@florin/client';
import { generateMarket, type SampleMarket } from '@florin/store';
import { HeadServer } from '@florin/head';
import { startShardCluster as startCluster, type ShardCluster } from '@florin/test-support';
import { failure } from '@florin/test-support';

const HEADS = 3;

describe('DataClient over 3 real head nodes and 2 real shards', () => {
  let cluster: ShardCluster;
  const heads: HeadServer[] = [];
  let addresses: string[];
  let data: DataClient;
  let market: SampleMarket;
  let fullRange: TimeRange;

  /** What the shards' stores hold, read straight from each owning store. */
  async function direct(query: SeriesQuery): Promise<SeriesFrame[]> {
    const fields = query.fields?.length ? query.fields : market.dataset.fields;
    return Promise.all(
      [...new Set(query.symbols)].map(async (symbol) => {
        const store = cluster.stores[shardFor(query.dataset, symbol, cluster.stores.length)]!;
        const [frame] = await store.read({ dataset: query.dataset, symbols: [symbol], fields, range: query.range });
        return frame && frame.timestamps.length > 0 ? frame : emptyFrame(symbol, fields);
      }),
    );
  }

  function expectBitEqual(got: readonly SeriesFrame[], want: readonly SeriesFrame[]): void {
    expect(got.map((f) => f.symbol)).toEqual(want.map((f) => f.symbol));
    got.forEach((f, i) => {
      expect([...f.fields]).toEqual([...want[i]!.fields]);
      expect(f.timestamps.length, `rows of ${f.symbol}`).toBe(want[i]!.timestamps.length);
      expect(framesBitEqual(f, want[i]!), `bits of ${f.symbol}`).toBe(true);
    });
  }

  const points = (frames: readonly SeriesFrame[]): number => frames.reduce((n, f) => n + f.timestamps.length * f.fields.length, 0);

  beforeAll(async () => {
    cluster = await startCluster(2);
    market = generateMarket({ symbols: 60, years: 2, seed: 11 });
    fullRange = { start: market.timestamps[0]!, end: market.timestamps.at(-1)! + 1 };
    await cluster.router.createDataset(market.dataset);
    await cluster.router.write(market.dataset.name, market.dataset.fields, [...market.frames()]);
    for (let i = 0; i < HEADS; i++) {
      const head = new HeadServer({ shards: cluster.addresses, nodeId: `head-${i}` });
      heads.push(head);
      await head.start();
    }
    addresses = heads.map((h) => h.address!);
    data = new DataClient({ heads: addresses });
  });
  afterAll(async () => {
    data?.close();
    await Promise.all(heads.map((h) => h.close(1_000)));
    await cluster?.close();
  });

  it('splits a many-symbol read across the owning heads, each serving only its own keys, bit-exact', async () => {
    await data.stats(true);
    const symbols = [...market.symbols].reverse();
    const query = { dataset: market.dataset.name, symbols: [...symbols, symbols[0]!], fields: ['close', 'volume', 'open'], range: fullRange };
    const got = await data.read(query);
    const want = await direct(query);
    expectBitEqual(got, want);

    const stats = await data.stats();
    expect(stats.map((s) => s.nodeId)).toEqual(['head-0', 'head-1', 'head-2']);
    const busy = stats.filter((s) => s.requests > 0);
    expect(busy.length).toBeGreaterThan(1);
    addresses.forEach((address, i) => {
      const owned = got.filter((f) => data.ownerOf(market.dataset.name, f.symbol) === address);
      expect(stats[i]!.requests, `requests of ${address}`).toBe(owned.length > 0 ? 1 : 0);
      expect(stats[i]!.pointsServed, `points served by ${address}`).toBe(points(owned));
    });
    expect(stats.reduce((n, s) => n + s.pointsServed, 0)).toBe(points(got));

    // coalesce: false reaches every owning head and bypasses their caches: no hit, miss or partial hit counted.
    const cacheLookups = (s: (typeof stats)[number]): number => s.cacheHits + s.cacheMisses + s.cachePartialHits;
    expectBitEqual(await data.read(query, { coalesce: false }), want);
    const uncached = await data.stats();
    uncached.forEach((s, i) => {
      expect(s.requests).toBe(2 * stats[i]!.requests);
      expect(cacheLookups(s)).toBe(cacheLookups(stats[i]!));
    });
  });

  it('a head that does not own a key still serves it exactly, with and without aggregation', async () => {
    const symbol = market.symbols[3]!;
    const owner = data.ownerOf(market.dataset.name, symbol);
    const other = addresses.find((a) => a !== owner)!;
    const range = { start: market.timestamps[10]!, end: market.timestamps[200]! };
    const query = { dataset: market.dataset.name, symbols: [symbol], range };
    const want = await direct(query);
    const client = new HeadClient(other);
    try {
      expect(await client.describe()).toEqual({ nodeId: `head-${addresses.indexOf(other)}`, shardCount: 2, coalesce: true });
      await client.stats({ reset: true });
      expectBitEqual(await client.read(query), want);
      const aggregated = await client.stats();
      expect(aggregated.requests).toBe(1);
      expect(aggregated.cacheMisses + aggregated.cacheHits + aggregated.cachePartialHits).toBe(1);

      // coalesce: false sends "florin-coalesce: off": straight to the shard with the exact range, cache untouched.
      const shard = cluster.shards[shardFor(market.dataset.name, symbol, 2)]!;
      shard.stats(true);
      expectBitEqual(await client.read(query, { coalesce: false }), want);
      const direct2 = await client.stats({ reset: true });
      expect(direct2.requests).toBe(2);
      expect(direct2.cacheMisses + direct2.cacheHits + direct2.cachePartialHits).toBe(1);
      expect(shard.stats().recentReads).toEqual([
        { dataset: market.dataset.name, symbols: 1, startMs: range.start, endMs: range.end, points: points(want) },
      ]);
    } finally {
      client.close();
    }
  });

  it('writes through the owning heads, and a read then sees the write', async () => {
    const fields = market.dataset.fields;
    const later = generateMarket({ symbols: 12, years: 1, seed: 99, end: '2026-12-31' });
    // Same symbols as the loaded market, new (later) days.
    const frames = later.symbols.map((_, i) => ({ ...later.frame(later.symbols[i]!), symbol: market.symbols[i]! }));
    const range = { start: fullRange.start, end: later.timestamps.at(-1)! + 1 };
    const symbols = frames.map((f) => f.symbol);
    // Warm the heads' caches first, so the write must invalidate them.
    await data.read({ dataset: market.dataset.name, symbols, range });
    const before = await data.stats(true);
    expect(before.length).toBe(HEADS);

    const rows = await data.write(market.dataset.name, fields, frames, { jobId: 'job-7' });
    expect(rows).toBe(frames.reduce((n, f) => n + f.timestamps.length, 0));
    const after = await data.stats();
    addresses.forEach((address, i) => {
      const owns = symbols.some((s) => data.ownerOf(market.dataset.name, s) === address);
      expect(after[i]!.writes, `writes through ${address}`).toBe(owns ? 1 : 0);
    });

    const got = await data.read({ dataset: market.dataset.name, symbols, range });
    expectBitEqual(got, await direct({ dataset: market.dataset.name, symbols, range }));
    got.forEach((frame, i) => {
      const written = frames[i]!;
      const at = frame.timestamps.indexOf(written.timestamps[0]!);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(frame.timestamps.length - at).toBe(written.timestamps.length);
      expect(framesBitEqual({ ...frame, timestamps: frame.timestamps.subarray(at), columns: frame.columns.map((c) => c.subarray(at)) }, written)).toBe(
        true,
      );
    });
  });

  it('routes by head ids when given { id, address } members, as the heads hash them', async () => {
    const members = heads.map((h, i) => ({ id: `head-${i}`, address: h.address! }));
    const byId = connect({ heads: members });
    try {
      const ring = new HeadRing(members.map((m) => m.id));
      expect(byId.data.heads).toEqual(['head-0', 'head-1', 'head-2']);
      const symbols = market.symbols.slice(0, 30);
      for (const s of symbols) expect(byId.data.ownerOf(market.dataset.name, s)).toBe(ring.ownerOf(market.dataset.name, s));
      const query: SeriesQuery = { dataset: market.dataset.name, symbols, range: fullRange };
      const before = heads.map((h) => h.node.stats().pointsServed);
      expectBitEqual(await byId.data.read(query), await direct(query));
      const served = heads.map((h, i) => h.node.stats().pointsServed - before[i]!);
      const want = await Promise.all(
        members.map(async (m) => points(await direct({ ...query, symbols: symbols.filter((s) => ring.ownerOf(market.dataset.name, s) === m.id) }))),
      );
      expect(served).toEqual(want);
      expect(() => connect({ heads: [{ id: '', address: 'x:1' }] })).toThrow(/non-empty id/);
    } finally {
      byId.close();
    }
  });

  it('keeps statuses: NOT_FOUND for an unknown dataset, INVALID_ARGUMENT for bad input', async () => {
    const range = { start: 0, end: 1 };
    const notFound = await failure(data.read({ dataset: 'nosuch', symbols: market.symbols.slice(0, 10), range }));
    expect(notFound.code).toBe('NOT_FOUND');
    expect(notFound.message).toContain('nosuch');
    const frame = market.frame(market.symbols[0]!);
    expect((await failure(data.write('nosuch', market.dataset.fields, [frame]))).code).toBe('NOT_FOUND');
    expect((await failure(data.read({ dataset: market.dataset.name, symbols: [], range }))).code).toBe('INVALID_ARGUMENT');
    const reversed = await failure(data.read({ dataset: market.dataset.name, symbols: market.symbols.slice(0, 5), range: { start: 9, end: 1 } }));
    expect(reversed.code).toBe('INVALID_ARGUMENT');
    expect((await failure(data.read({ dataset: market.dataset.name, symbols: ['A'], range }, { deadlineMs: 0 }))).code).toBe('INVALID_ARGUMENT');
  });

  it('creates and lists datasets through a head', async () => {
    const info = { name: 'ticks', fields: ['price', 'size'], frequency: '1s' };
    expect(await data.createDataset(info)).toEqual({ dataset: info, created: true });
    expect(await data.createDataset(info)).toEqual({ dataset: info, created: false });
    const names = (await data.listDatasets()).map((d) => d.name).sort();
    expect(names).toEqual(['bars', 'ticks']);
  });

  it('fails over: keys of a head that is down are read through the others, exact, and the head is avoided', async () => {
    const gone = new HeadServer({ shards: cluster.addresses });
    const goneAddress = (await gone.start()).address;
    await gone.close(0);
    const { data: client, close } = connect({ heads: [...addresses, goneAddress], limits: { defaultDeadlineMs: 5_000 } });
    try {
      expect(client.heads).toEqual([...addresses, goneAddress]);
      const orphaned = market.symbols.filter((s) => client.ownerOf(market.dataset.name, s) === goneAddress);
      expect(orphaned.length).toBeGreaterThan(0);
      // The whole read succeeds: the dead head's part goes to the owners on the ring without it.
      const all = { dataset: market.dataset.name, symbols: market.symbols, range: fullRange };
      expectBitEqual(await client.read(all), await direct(all));
      const orphanQuery = { dataset: market.dataset.name, symbols: orphaned, range: fullRange };
      expectBitEqual(await client.read(orphanQuery), await direct(orphanQuery));
      // A write of an orphaned key goes through a live head too, and is read back.
      const first = (await direct(orphanQuery))[0]!;
      expect(await client.write(market.dataset.name, market.dataset.fields, [first])).toBe(first.timestamps.length);
    } finally {
      close();
      close();
    }
    expect((await failure(client.read({ dataset: market.dataset.name, symbols: ['A'], range: fullRange }))).code).toBe('FAILED_PRECONDITION');
    expect(() => new DataClient({ heads: [] })).toThrow('DataClient needs at least one head address');
  });

  it('fails UNAVAILABLE naming the head when no head is reachable', async () => {
    const gone = new HeadServer({ shards: cluster.addresses });
    const goneAddress = (await gone.start()).address;
    await gone.close(0);
    const { data: client, close } = connect({ heads: [goneAddress], limits: { defaultDeadlineMs: 5_000 } });
    try {
      const err = await failure(client.read({ dataset: market.dataset.name, symbols: market.symbols.slice(0, 3), range: fullRange }));
      expect(err.code).toBe('UNAVAILABLE');
      expect(err.message).toContain(`head node ${goneAddress}`);
    } finally {
      close();
    }
  });
});
