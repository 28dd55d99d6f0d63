import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { framesBitEqual, type SeriesFrame } from '@florin/core';
import type { SeriesQuery } from '@florin/client';
import { DAY_MS, Gate, OHLCV, marketFrame, prng, seed, startHeadCluster, until, utc, type HeadCluster } from '@florin/test-support';

const daily = { name: 'daily', fields: [...OHLCV], frequency: '1d' };
const minutes = { name: 'minutes', fields: ['price', 'size'], frequency: '1m' };
// Entries are per field (timestamps + one column): a day of minutes is two entries of ~23 KB, a daily chunk ~5.8 KB per field.
const CACHE_BYTES = 60_000;

function expectBitEqual(actual: SeriesFrame[], expected: SeriesFrame[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((f, i) => expect(framesBitEqual(f, expected[i]!), `bits of ${f.symbol}`).toBe(true));
}

describe('HeadService cache: eviction, live edge, writes', () => {
  let cluster: HeadCluster;
  const now = Date.now();
  const q = (dataset: string, symbols: string[], start: number, end: number, fields?: string[]): SeriesQuery => ({
    dataset,
    symbols,
    fields,
    range: { start, end },
  });
  const check = async (query: SeriesQuery): Promise<SeriesFrame[]> => {
    const got = await cluster.read(query);
    expectBitEqual(got, await cluster.direct(query));
    return got;
  };

  beforeAll(async () => {
    // A cache of about two all-field daily chunks (or one day of minutes, both fields), and a two-day live edge.
    cluster = await startHeadCluster({ shardCount: 2, head: { cacheMaxBytes: CACHE_BYTES, freshnessMs: 2 * DAY_MS } });
    await seed(cluster, daily, ['AMZN', 'IBM'].map((s, i) => marketFrame(s, daily.fields, utc(2005), utc(2026), DAY_MS, 40 + i)));
    const start = Math.floor(now / 60_000) * 60_000 - 6 * DAY_MS;
    await seed(cluster, minutes, [marketFrame('ESZ6', minutes.fields, start, now - 60_000, 60_000, 9)]);
  });
  afterAll(() => cluster?.close());
  beforeEach(() => {
    cluster.head.node.clearCache();
    cluster.upstream.reads.length = 0;
    cluster.upstream.holdAfter = undefined;
  });

  it('never holds more than maxSize bytes, and fetches an evicted range again', async () => {
    const node = cluster.head.node;
    const evictionsBefore = node.stats().evictions;
    await check(q('daily', ['AMZN'], utc(2005), utc(2026)));
    let stats = node.stats();
    expect(stats.cacheBytes).toBeLessThanOrEqual(CACHE_BYTES);
    expect(stats.cacheBytes).toBeGreaterThan(0);
    expect(stats.evictions - evictionsBefore).toBeGreaterThan(10);

    // The oldest chunks went first: reading 2005 again goes upstream.
    const reads = cluster.upstream.reads.length;
    await check(q('daily', ['AMZN'], utc(2005, 3), utc(2005, 9)));
    expect(cluster.upstream.reads.length).toBe(reads + 1);
    // ...and is then served from cache.
    await check(q('daily', ['AMZN'], utc(2005, 4), utc(2005, 8)));
    expect(cluster.upstream.reads.length).toBe(reads + 1);

    const random = prng(5);
    for (let i = 0; i < 40; i++) {
      const a = utc(2005) + Math.floor(random() * 20 * 365) * DAY_MS;
      const b = a + (1 + Math.floor(random() * 900)) * DAY_MS;
      await check(q('daily', random() < 0.5 ? ['AMZN'] : ['IBM', 'AMZN'], a, b, random() < 0.5 ? ['close'] : undefined));
      stats = node.stats();
      expect(stats.cacheBytes).toBeLessThanOrEqual(CACHE_BYTES);
    }
    expect(stats.cacheEntries).toBeLessThanOrEqual(Math.ceil(CACHE_BYTES / 128));
  });

  it('re-fetches data inside the freshness window on every read, and caches older data', async () => {
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const live = q('minutes', ['ESZ6'], today - DAY_MS + 3_600_000, now);
    await check(live);
    await check(live);
    await check(live);
    expect(cluster.upstream.reads).toHaveLength(3);
    // Four days back is older than the live edge: cached after the first read.
    const old = q('minutes', ['ESZ6'], today - 4 * DAY_MS + 600_000, today - 4 * DAY_MS + 7_200_000);
    await check(old);
    await check(old);
    expect(cluster.upstream.reads).toHaveLength(4);
  });

  it('a read after a write through the head sees the write, bit for bit', async () => {
    const node = cluster.head.node;
    const window = q('daily', ['IBM'], utc(2016), utc(2016, 6));
    const [before] = await check(window);
    const statsBefore = node.stats();

    const from = utc(2016, 3, 1);
    const rewritten = marketFrame('IBM', daily.fields, from, from + 10 * DAY_MS, DAY_MS, 999);
    expect(await cluster.write('daily', [rewritten])).toBe(rewritten.timestamps.length);
    const stats = node.stats();
    expect(stats.writes - statsBefore.writes).toBe(1);
    expect(stats.invalidations - statsBefore.invalidations).toBeGreaterThanOrEqual(1);

    const [after] = await check(window);
    expect(framesBitEqual(after!, before!)).toBe(false);
    expect(after!.timestamps.length).toBe(before!.timestamps.length);
  });

  it('a fetch that began before a write cannot put stale data in the cache', async () => {
    const window = q('daily', ['AMZN'], utc(2019), utc(2019, 4));
    const gate = new Gate();
    cluster.upstream.holdAfter = gate;
    const early = cluster.read(window);
    // The shards have answered with the old values; the answer is held in flight.
    await until(() => cluster.upstream.reads[0]?.answered === true, 5_000, 'the shard to answer');

    const from = utc(2019, 2, 1);
    await cluster.write('daily', [marketFrame('AMZN', daily.fields, from, from + 7 * DAY_MS, DAY_MS, 4242)]);
    gate.open();
    await early;
    cluster.upstream.holdAfter = undefined;

    await check(window);
    expect(cluster.upstream.reads).toHaveLength(2);
  });
});
