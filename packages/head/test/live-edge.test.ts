import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { framesBitEqual, type SeriesFrame } from '@florin/core';
import type { SeriesQuery } from '@florin/client';
import { ChunkGrid } from '@florin/head';
import { DAY_MS, OHLCV, marketFrame, seed, startHeadCluster, utc, type HeadCluster } from '@florin/test-support';

const daily = { name: 'daily', fields: [...OHLCV], frequency: '1d' };
const FRESHNESS_MS = 10 * 60_000;
const grid = ChunkGrid.forFrequency('1d', 365);

function expectBitEqual(actual: SeriesFrame[], expected: SeriesFrame[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((f, i) => expect(framesBitEqual(f, expected[i]!), `bits of ${f.symbol}`).toBe(true));
}

describe('HeadService live edge: the settled part of a growing chunk is cached, only the delta is fetched', () => {
  let cluster: HeadCluster;
  // The head's clock, moved by the tests.
  let clock = utc(2025, 12, 10) + 12 * 3_600_000;
  const check = async (query: SeriesQuery): Promise<SeriesFrame[]> => {
    const got = await cluster.read(query);
    expectBitEqual(got, await cluster.direct(query));
    return got;
  };
  const lastYear = (symbols: string[]): SeriesQuery => ({ dataset: 'daily', symbols, range: { start: utc(2025), end: utc(2026) } });

  beforeAll(async () => {
    cluster = await startHeadCluster({ shardCount: 2, head: { now: () => clock, freshnessMs: FRESHNESS_MS } });
    // Bars up to 2026-01-01: the newest ones lie beyond the head's "now" (a feed writing ahead is not needed for the test).
    await seed(cluster, daily, ['AAPL', 'MSFT', 'NVDA'].map((s, i) => marketFrame(s, daily.fields, utc(2023), utc(2026), DAY_MS, 70 + i)));
  });
  afterAll(() => cluster?.close());
  beforeEach(() => {
    cluster.head.node.clearCache();
    cluster.upstream.reads.length = 0;
  });

  it('a read of the last year costs one upstream call for the delta beyond the settled part, bit-exact', async () => {
    const settled = clock - FRESHNESS_MS;
    const live = grid.chunkOf(settled);
    // The year ending 2026-01-01 spans the live chunk (2024-12-19 .. 2025-12-18 on the epoch-aligned grid) and the next, future one.
    const span = grid.spanOf({ start: utc(2025), end: utc(2026) });
    expect(span).toEqual({ first: live, end: live + 2 });

    await check(lastYear(['AAPL']));
    expect(cluster.upstream.reads).toHaveLength(1);
    const before = cluster.head.node.stats();

    // Again: the older chunk and the settled part of the live one are cached; one call reads the rest.
    for (let i = 0; i < 3; i++) {
      cluster.upstream.reads.length = 0;
      await check(lastYear(['AAPL']));
      expect(cluster.upstream.reads).toHaveLength(1);
      expect(cluster.upstream.reads[0]!.symbols).toEqual(['AAPL']);
      expect(cluster.upstream.reads[0]!.range).toEqual({ start: settled, end: grid.startOf(span.end) });
    }
    const after = cluster.head.node.stats();
    // Only the delta's points came upstream: at most the bars after `settled` (about three weeks), not a year's chunk.
    const deltaRows = (await cluster.direct({ dataset: 'daily', symbols: ['AAPL'], range: { start: settled, end: utc(2027) } }))[0]!.timestamps.length;
    expect(after.upstreamPoints - before.upstreamPoints).toBe(3 * deltaRows * daily.fields.length);
    expect(deltaRows).toBeLessThan(20);
  });

  it('per field: close cached up to the settled end, then close + open costs the close delta and open whole, bit-exact', async () => {
    const settled = clock - FRESHNESS_MS;
    const span = grid.spanOf({ start: utc(2025), end: utc(2026) });
    const whole = grid.rangeOf(span);
    const query = (fields: string[]): SeriesQuery => ({ dataset: 'daily', symbols: ['NVDA'], fields, range: { start: utc(2025), end: utc(2026) } });
    await check(query(['close']));
    expect(cluster.upstream.reads.map((r) => r.fields)).toEqual([['close']]);

    cluster.upstream.reads.length = 0;
    const before = cluster.head.node.stats().upstreamPoints;
    await check(query(['open', 'close']));
    const reads = cluster.upstream.reads.map((r) => ({ fields: r.fields, range: r.range }));
    reads.sort((a, b) => a.fields.join().localeCompare(b.fields.join()));
    expect(reads).toEqual([
      { fields: ['close'], range: { start: settled, end: whole.end } },
      { fields: ['open'], range: whole },
    ]);
    const rowsOf = async (r: { start: number; end: number }): Promise<number> =>
      (await cluster.direct({ dataset: 'daily', symbols: ['NVDA'], fields: ['open'], range: r }))[0]!.timestamps.length;
    expect(cluster.head.node.stats().upstreamPoints - before).toBe((await rowsOf({ start: settled, end: whole.end })) + (await rowsOf(whole)));
  });

  it('as the clock moves, the settled part grows and the delta starts from where the cache ends', async () => {
    await check(lastYear(['MSFT', 'NVDA']));
    const firstSettled = clock - FRESHNESS_MS;
    clock += 3 * DAY_MS;
    try {
      cluster.upstream.reads.length = 0;
      await check(lastYear(['MSFT', 'NVDA']));
      // One call for both symbols (they share a shard or not: one call per shard), from the old settled end.
      for (const r of cluster.upstream.reads) expect(r.range.start).toBe(firstSettled);
      const calls = cluster.upstream.reads.length;
      expect(calls).toBe(new Set(['MSFT', 'NVDA'].map((s) => cluster.router.shardOf('daily', s))).size);

      // The answer re-cached the part settled by now: the next delta starts three days later.
      cluster.upstream.reads.length = 0;
      await check(lastYear(['MSFT', 'NVDA']));
      for (const r of cluster.upstream.reads) expect(r.range.start).toBe(clock - FRESHNESS_MS);
      expect(cluster.upstream.reads).toHaveLength(calls);
    } finally {
      clock -= 3 * DAY_MS;
    }
  });

  it('a write through the head inside the settled part is visible on the next read', async () => {
    const [before] = await check(lastYear(['AAPL']));
    const settled = clock - FRESHNESS_MS;
    // Rewrite ten days of bars inside the cached, settled part of the live chunk.
    const from = Math.floor(Math.max(grid.startOf(grid.chunkOf(settled)), settled - 20 * DAY_MS) / DAY_MS) * DAY_MS;
    const rewritten = marketFrame('AAPL', daily.fields, from, from + 10 * DAY_MS, DAY_MS, 4711);
    expect(rewritten.timestamps[rewritten.timestamps.length - 1]!).toBeLessThan(settled);
    expect(await cluster.write('daily', [rewritten])).toBe(rewritten.timestamps.length);

    const [after] = await check(lastYear(['AAPL']));
    expect(framesBitEqual(after!, before!)).toBe(false);
    const at = after!.timestamps.indexOf(rewritten.timestamps[0]!);
    expect(at).toBeGreaterThanOrEqual(0);
    for (let c = 0; c < daily.fields.length; c++) {
      expect(Array.from(after!.columns[c]!.subarray(at, at + rewritten.timestamps.length))).toEqual(Array.from(rewritten.columns[c]!));
    }
  });
});
