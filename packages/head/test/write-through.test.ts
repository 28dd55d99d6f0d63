import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { framesBitEqual, type SeriesFrame } from '@florin/core';
import type { SeriesQuery } from '@florin/client';
import { ChunkGrid } from '@florin/head';
import { DAY_MS, openHead, openHeadFleet, marketFrame, startHeadCluster, utc, type HeadCluster } from '@florin/test-support';

const signal = { name: 'signal', fields: ['momentum', 'ret'], frequency: '1d' };
const FRESHNESS_MS = 10 * 60_000;
const grid = ChunkGrid.forFrequency('1d', 365);

/** The range of the whole chunks holding [start, end). */
function chunksOf(start: number, end: number): { start: number; end: number } {
  return grid.rangeOf(grid.spanOf({ start, end }));
}

function expectBitEqual(actual: SeriesFrame[], expected: SeriesFrame[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((f, i) => expect(framesBitEqual(f, expected[i]!), `bits of ${f.symbol}`).toBe(true));
}

describe('HeadService write-through caching: rows written into empty chunks are cached as written', () => {
  let cluster: HeadCluster;
  // The head's clock.
  const clock = utc(2025, 12, 10) + 12 * 3_600_000;
  const read = async (query: SeriesQuery): Promise<SeriesFrame[]> => {
    const got = await cluster.read(query);
    expectBitEqual(got, await cluster.direct(query));
    return got;
  };
  const writesCached = (): number => cluster.head.node.stats().writesCached;

  beforeAll(async () => {
    cluster = await startHeadCluster({ shardCount: 2, head: { now: () => clock, freshnessMs: FRESHNESS_MS } });
    await cluster.router.createDataset(signal);
  });
  afterAll(() => cluster?.close());
  beforeEach(() => {
    cluster.upstream.reads.length = 0;
  });

  it('a write of new rows is cached: reading them back makes no upstream call, bit for bit what the shards hold', async () => {
    const frames = ['A1', 'A2', 'A3'].map((s, i) => marketFrame(s, signal.fields, utc(2019, 3, 5), utc(2023, 7, 1), DAY_MS, 10 + i));
    expect(await cluster.write('signal', frames)).toBe(frames.reduce((n, f) => n + f.timestamps.length, 0));
    expect(writesCached()).toBe(1);
    // Every chunk the rows touch, whole: the chunk starts before the first row and ends after the last one.
    const got = await read({ dataset: 'signal', symbols: ['A1', 'A2', 'A3'], range: chunksOf(utc(2019, 3, 5), utc(2023, 7, 1)) });
    expect(cluster.upstream.reads).toHaveLength(0);
    expect(got.map((f) => f.timestamps.length)).toEqual(frames.map((f) => f.timestamps.length));
    // One field, a sub-range: also from the cache.
    await read({ dataset: 'signal', symbols: ['A2'], fields: ['ret'], range: { start: utc(2020, 2, 1), end: utc(2021, 9, 1) } });
    expect(cluster.upstream.reads).toHaveLength(0);
  });

  it('a rerun writing the same rows with new values is cached too: the next read answers the new values from the cache', async () => {
    const first = marketFrame('R1', signal.fields, utc(2017, 2, 1), utc(2017, 8, 1), DAY_MS, 80);
    await cluster.write('signal', [first]);
    const rerun = { ...first, columns: first.columns.map((c) => c.map((v) => v * 2)) };
    const before = writesCached();
    await cluster.write('signal', [rerun]);
    expect(writesCached()).toBe(before + 1);
    const got = await read({ dataset: 'signal', symbols: ['R1'], range: chunksOf(utc(2017, 2, 1), utc(2017, 8, 1)) });
    expect(cluster.upstream.reads).toHaveLength(0);
    expectBitEqual(got, [rerun]);
  });

  it('does not cache a write into chunks that already held other rows of the symbol; reads see old and new rows', async () => {
    const old = marketFrame('B1', signal.fields, utc(2021, 6, 1), utc(2021, 6, 20), DAY_MS, 20);
    await cluster.stores[cluster.router.shardOf('signal', 'B1')]!.write('signal', [old]);
    const before = writesCached();
    await cluster.write('signal', [marketFrame('B1', signal.fields, utc(2021, 1, 4), utc(2021, 3, 1), DAY_MS, 21)]);
    expect(writesCached()).toBe(before);
    const got = await read({ dataset: 'signal', symbols: ['B1'], range: { start: utc(2021), end: utc(2022) } });
    expect(cluster.upstream.reads).toHaveLength(1);
    expect(got[0]!.timestamps.length).toBe(old.timestamps.length + marketFrame('B1', signal.fields, utc(2021, 1, 4), utc(2021, 3, 1), DAY_MS, 21).timestamps.length);
  });

  it('a later write into a chunk cached as written drops it: the next read fetches and sees both writes', async () => {
    const first = marketFrame('C1', signal.fields, utc(2020, 1, 6), utc(2020, 3, 1), DAY_MS, 30);
    await cluster.write('signal', [first]);
    // The whole chunk the rows fall in (a read beyond it would fetch the next chunk).
    const query = { dataset: 'signal', symbols: ['C1'], range: chunksOf(utc(2020, 1, 6), utc(2020, 3, 1)) };
    await read(query);
    expect(cluster.upstream.reads).toHaveLength(0);
    // New rows beside the cached ones, and one stored row overwritten.
    const second = marketFrame('C1', signal.fields, utc(2020, 2, 28), utc(2020, 5, 1), DAY_MS, 31);
    const cachedBefore = writesCached();
    await cluster.write('signal', [second]);
    expect(writesCached()).toBe(cachedBefore);
    const got = await read(query);
    expect(cluster.upstream.reads).toHaveLength(1);
    const firstKept = first.timestamps.filter((t) => t < second.timestamps[0]!).length;
    expect(got[0]!.timestamps.length).toBe(firstKept + second.timestamps.length);
  });

  it('writes of one key at once are answered right whether or not one is cached', async () => {
    const parts = [0, 1, 2, 3].map((k) => marketFrame('D1', signal.fields, utc(2018, 1 + 3 * k, 1), utc(2018, 3 + 3 * k, 28), DAY_MS, 40 + k));
    await Promise.all(parts.map((p) => cluster.write('signal', [p])));
    const got = await read({ dataset: 'signal', symbols: ['D1'], range: { start: utc(2017), end: utc(2019, 6) } });
    expect(got[0]!.timestamps.length).toBe(parts.reduce((n, p) => n + p.timestamps.length, 0));
  });

  it('caches only the settled part of a write reaching the live edge: a read up to now fetches only what lies beyond it', async () => {
    const settled = clock - FRESHNESS_MS;
    const frame = marketFrame('E1', signal.fields, utc(2025, 10, 1), utc(2026, 1, 1), DAY_MS, 50);
    await cluster.write('signal', [frame]);
    const span = grid.spanOf({ start: utc(2025, 10, 1), end: utc(2026, 1, 1) });
    await read({ dataset: 'signal', symbols: ['E1'], range: { start: utc(2025, 10, 1), end: utc(2026, 1, 1) } });
    expect(cluster.upstream.reads).toHaveLength(1);
    expect(cluster.upstream.reads[0]!.range).toEqual({ start: settled, end: grid.startOf(span.end) });
  });

  it('with cacheWrites off, a head caches nothing it writes', async () => {
    const other = await openHead(cluster, { cacheWrites: false, now: () => clock, freshnessMs: FRESHNESS_MS });
    try {
      await other.head.node.write({
        dataset: 'signal',
        fields: signal.fields,
        blocks: [marketFrame('F1', signal.fields, utc(2016, 1, 4), utc(2016, 6, 1), DAY_MS, 60)].map((f) => ({
          symbol: f.symbol,
          timestamps: Buffer.from(f.timestamps.buffer),
          columns: f.columns.map((c) => Buffer.from(c.buffer)),
          last: true,
        })),
        jobId: '',
        grants: [],
      });
      expect(other.head.node.stats().writesCached).toBe(0);
      await other.read({ dataset: 'signal', symbols: ['F1'], range: { start: utc(2016), end: utc(2017) } });
      expect(cluster.upstream.reads).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('in a fleet, a write through any head is cached by the owner of each key only', async () => {
    const fleet = await openHeadFleet(cluster, 2, { now: () => clock, freshnessMs: FRESHNESS_MS });
    try {
      const symbols = ['G1', 'G2', 'G3', 'G4', 'G5', 'G6'];
      const frames = symbols.map((s, i) => marketFrame(s, signal.fields, utc(2015, 2, 2), utc(2015, 9, 1), DAY_MS, 70 + i));
      await fleet.write(0, 'signal', frames);
      const owned = [0, 1].map((h) => symbols.filter((s) => fleet.heads[h]!.node.owns('signal', s)));
      expect(owned[0]!.length + owned[1]!.length).toBe(symbols.length);
      expect(owned.every((o) => o.length > 0)).toBe(true);
      for (const h of [0, 1]) {
        cluster.upstream.reads.length = 0;
        const query = { dataset: 'signal', symbols: owned[h]!, range: chunksOf(utc(2015, 2, 2), utc(2015, 9, 1)) };
        expectBitEqual(await fleet.read(h, query), await cluster.direct(query));
        expect(cluster.upstream.reads).toHaveLength(0);
        expect(fleet.stats(h).writesCached).toBe(1);
      }
    } finally {
      await fleet.close();
    }
  });
});
