import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { framesBitEqual, groupByShard, type SeriesFrame } from '@florin/core';
import type { SeriesQuery } from '@florin/client';
import { generateMarket } from '@florin/store';
import { DAY_MS, seed, startHeadCluster, utc, type HeadCluster } from '@florin/test-support';

/** The sample market: daily OHLCV bars on a trading calendar, 2005-2025, eight symbols. */
const market = generateMarket({ symbols: 8, years: 21, end: '2025-12-31', dataset: 'daily' });
const info = market.dataset;
const SYMBOLS = [...market.symbols];
const [AMZN, MSFT, IBM, GOOG] = SYMBOLS as [string, string, string, string];
/** The default daily chunk: 365 bars of 1d. */
const SPAN = 365 * DAY_MS;

function expectBitEqual(actual: SeriesFrame[], expected: SeriesFrame[]): void {
  expect(actual.map((f) => f.symbol)).toEqual(expected.map((f) => f.symbol));
  actual.forEach((f, i) => {
    expect(f.timestamps.length, `rows of ${f.symbol}`).toBe(expected[i]!.timestamps.length);
    expect(framesBitEqual(f, expected[i]!), `bits of ${f.symbol}`).toBe(true);
  });
}

describe('HeadService range aggregation (real shards over DuckDB, real head node)', () => {
  let cluster: HeadCluster;

  beforeAll(async () => {
    cluster = await startHeadCluster({ shardCount: 2, head: { lingerMs: 20 } });
    await seed(cluster, info, [...market.frames()]);
  });
  afterAll(() => cluster?.close());
  beforeEach(() => {
    cluster.head.node.clearCache();
    cluster.head.node.stats(true);
    cluster.upstream.reads.length = 0;
  });

  const q = (symbols: readonly string[], start: number, end: number, fields?: string[]): SeriesQuery => ({
    dataset: info.name,
    symbols,
    fields,
    range: { start, end },
  });

  async function readAndCheck(query: SeriesQuery): Promise<void> {
    expectBitEqual(await cluster.read(query), await cluster.direct(query));
  }

  /**
   * Starts the reads on the head node in one event-loop turn, so they all land in one linger window however
   * loaded the machine is (two RPCs may arrive further apart than the linger), and resolves their point counts.
   */
  async function inOneTurn(queries: readonly SeriesQuery[]): Promise<number[]> {
    const results = await Promise.all(queries.map((query) => cluster.head.node.read({
      dataset: query.dataset, symbols: query.symbols, fields: query.fields ?? [], startMs: query.range.start, endMs: query.range.end,
    })));
    return results.map((r) => r.points);
  }

  const pointsOf = (frames: readonly SeriesFrame[]): number => frames.reduce((n, f) => n + f.timestamps.length * f.columns.length, 0);

  for (const order of ['long first', 'short first'] as const) {
    it(`concurrent 2015-2025 and 2020-2025 reads make one upstream read of the union (${order})`, async () => {
      const long = q([AMZN], utc(2015), utc(2025));
      const short = q([AMZN], utc(2020), utc(2025), ['close']);
      const shardBefore = cluster.shardReadCalls();
      const [a, b] = order === 'long first'
        ? await inOneTurn([long, short])
        : (await inOneTurn([short, long])).reverse();
      expect(a).toBe(pointsOf(await cluster.direct(long)));
      expect(b).toBe(pointsOf(await cluster.direct(short)));
      const stats = cluster.head.node.stats();
      expect(stats.upstreamRequests).toBe(1);
      expect(stats.requests).toBe(2);
      // The union is cached: both reads over gRPC are bit-equal to the stores, with no further upstream read.
      await readAndCheck(long);
      await readAndCheck(short);

      expect(cluster.upstream.reads).toHaveLength(1);
      const seen = cluster.upstream.reads[0]!;
      expect(seen.symbols).toEqual([AMZN]);
      expect(seen.range.start).toBeLessThanOrEqual(utc(2015));
      expect(seen.range.start).toBeGreaterThan(utc(2015) - SPAN);
      expect(seen.range.end).toBeGreaterThanOrEqual(utc(2025));
      expect(seen.range.end).toBeLessThan(utc(2025) + SPAN);
      if (shardBefore !== undefined) expect(cluster.shardReadCalls()! - shardBefore).toBe(1);
    });
  }

  it('serves a covered sub-range from cache and fetches only the missing, chunk-aligned part', async () => {
    await readAndCheck(q([AMZN], utc(2015), utc(2025)));
    expect(cluster.upstream.reads).toHaveLength(1);
    const shardBefore = cluster.shardReadCalls();

    await readAndCheck(q([AMZN], utc(2018), utc(2019)));
    expect(cluster.upstream.reads).toHaveLength(1);
    expect(cluster.head.node.stats().cacheHits).toBe(1);

    const pointsBefore = cluster.head.node.stats().upstreamPoints;
    await readAndCheck(q([AMZN], utc(2010), utc(2016)));
    expect(cluster.upstream.reads).toHaveLength(2);
    const delta = cluster.upstream.reads[1]!.range;
    // Only 2010-2015 went out, aligned outward to the chunk grid, ending where the cached chunks begin.
    expect(delta.start).toBeLessThanOrEqual(utc(2010));
    expect(delta.start).toBeGreaterThan(utc(2010) - SPAN);
    expect(delta.end).toBeLessThanOrEqual(utc(2015));
    expect(delta.end).toBeGreaterThan(utc(2015) - SPAN);
    const [inDelta] = await cluster.direct({ dataset: info.name, symbols: [AMZN], range: delta });
    expect(cluster.head.node.stats().upstreamPoints - pointsBefore).toBe(inDelta!.timestamps.length * info.fields.length);
    expect(cluster.head.node.stats().cachePartialHits).toBe(1);
    if (shardBefore !== undefined) expect(cluster.shardReadCalls()! - shardBefore).toBe(1);
  });

  it('a thousand concurrent identical reads make one upstream read', async () => {
    const query = q([MSFT], utc(2012, 3, 4), utc(2021, 7, 9), ['open', 'close']);
    const expected = await cluster.direct(query);
    const shardBefore = cluster.shardReadCalls();
    const answers = await Promise.all(Array.from({ length: 1000 }, () => cluster.read(query)));
    for (const a of answers) expectBitEqual(a, expected);
    expect(cluster.upstream.reads).toHaveLength(1);
    if (shardBefore !== undefined) expect(cluster.shardReadCalls()! - shardBefore).toBe(1);
    const stats = cluster.head.node.stats();
    expect(stats.requests).toBe(1000);
    expect(stats.cacheHits + stats.cachePartialHits + stats.cacheMisses).toBe(1000);
  });

  it('batches missing ranges of many keys on one shard into one upstream read per shard', async () => {
    const range = { start: utc(2016), end: utc(2019) };
    const queries = SYMBOLS.map((s) => q([s], range.start, range.end));
    const points = await inOneTurn(queries);
    for (let i = 0; i < queries.length; i++) expect(points[i]).toBe(pointsOf(await cluster.direct(queries[i]!)));
    // Now cached: the same reads over gRPC are bit-equal to the stores without another upstream read.
    for (const query of queries) await readAndCheck(query);
    const shards = groupByShard(info.name, SYMBOLS, 2);
    expect(cluster.upstream.reads).toHaveLength(shards.size);
    for (const read of cluster.upstream.reads) {
      const owner = [...shards.values()].find((g) => g.includes(read.symbols[0]!))!;
      expect([...read.symbols].sort()).toEqual([...owner].sort());
    }
    // One multi-symbol read of the same keys is now a pure cache hit.
    await readAndCheck(q(SYMBOLS, range.start + DAY_MS, range.end - DAY_MS, ['high', 'volume']));
    expect(cluster.upstream.reads).toHaveLength(shards.size);
  });

  it('"florin-coalesce: off" sends every read straight upstream, uncached', async () => {
    const query = q([IBM, GOOG], utc(2011), utc(2013), ['low']);
    const expected = await cluster.direct(query);
    const shards = groupByShard(info.name, [IBM, GOOG], 2).size;
    const answers = await Promise.all([1, 2, 3].map(() => cluster.read(query, { coalesce: false })));
    for (const a of answers) expectBitEqual(a, expected);
    // Each read goes out on its own (the router splits it over the owning shards).
    expect(cluster.upstream.reads).toHaveLength(3);
    expect(cluster.upstream.reads.every((r) => r.range.start === utc(2011) && r.range.end === utc(2013))).toBe(true);
    expectBitEqual(await cluster.read(query, { coalesce: false }), expected);
    expect(cluster.upstream.reads).toHaveLength(4);
    expect(cluster.head.node.stats().upstreamRequests).toBe(4 * shards);
    expect(cluster.head.node.stats().cacheEntries).toBe(0);
  });

  it('answers symbols without rows with an empty series, and long series over many blocks', async () => {
    await readAndCheck(q([AMZN, 'NOPE', IBM], utc(2000), utc(2026)));
    await readAndCheck(q(['NOPE'], utc(2001), utc(2002)));
    // Served again from cache (empty chunks are remembered too).
    const reads = cluster.upstream.reads.length;
    await readAndCheck(q(['NOPE', AMZN], utc(2001), utc(2003)));
    expect(cluster.upstream.reads.length).toBe(reads);
  });
});
