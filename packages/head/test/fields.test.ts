import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { framesBitEqual, type SeriesFrame } from '@florin/core';
import type { SeriesQuery } from '@florin/client';
import { ChunkGrid } from '@florin/head';
import { DAY_MS, OHLCV, marketFrame, seed, startHeadCluster, utc, type HeadCluster } from '@florin/test-support';

const bars = { name: 'bars', fields: [...OHLCV], frequency: '1d' };
const CHUNK_BARS = 100;
const grid = ChunkGrid.forFrequency('1d', CHUNK_BARS);
const SYMBOLS = ['AAA', 'BBB', 'CCC'];

function expectBitEqual(actual: SeriesFrame[], expected: SeriesFrame[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((f, i) => expect(framesBitEqual(f, expected[i]!), `bits of ${f.symbol}`).toBe(true));
}

describe('HeadService fetches only the fields a read asks for', () => {
  let cluster: HeadCluster;
  // 2012-2014 on the chunk grid: every chunk the reads touch is fetched whole.
  const range = { start: utc(2012), end: utc(2014) };
  const aligned = grid.rangeOf(grid.spanOf(range));
  const q = (symbols: string[], fields: string[]): SeriesQuery => ({ dataset: bars.name, symbols, fields, range });
  const check = async (query: SeriesQuery): Promise<SeriesFrame[]> => {
    const got = await cluster.read(query);
    expectBitEqual(got, await cluster.direct(query));
    return got;
  };
  /** Rows of `symbol` in the chunks of `r` (what one field of one symbol costs upstream). */
  const rowsIn = async (symbol: string, r: { start: number; end: number }): Promise<number> =>
    (await cluster.direct({ dataset: bars.name, symbols: [symbol], fields: ['close'], range: r }))[0]!.timestamps.length;
  const upstreamPoints = (): number => cluster.head.node.stats().upstreamPoints;

  beforeAll(async () => {
    // One shard, so every fetch of a flush names the same shard and the counts below are exact.
    cluster = await startHeadCluster({ shardCount: 1, head: { chunkBars: { '1d': CHUNK_BARS }, lingerMs: 200 } });
    await seed(cluster, bars, SYMBOLS.map((s, i) => marketFrame(s, bars.fields, utc(2010), utc(2016), DAY_MS, 300 + i)));
  });
  afterAll(() => cluster?.close());
  beforeEach(() => {
    cluster.head.node.clearCache();
    cluster.upstream.reads.length = 0;
  });

  it('a read of close moves only close; a later read of more fields fetches only the missing ones', async () => {
    const rows = await rowsIn('AAA', aligned);
    expect(rows).toBeGreaterThan(500);

    let before = upstreamPoints();
    await check(q(['AAA'], ['close']));
    expect(cluster.upstream.reads.map((r) => r.fields)).toEqual([['close']]);
    expect(upstreamPoints() - before).toBe(rows);

    // open + close: close is cached, only open goes upstream.
    cluster.upstream.reads.length = 0;
    before = upstreamPoints();
    await check(q(['AAA'], ['open', 'close']));
    expect(cluster.upstream.reads.map((r) => r.fields)).toEqual([['open']]);
    expect(cluster.upstream.reads[0]!.range).toEqual(aligned);
    expect(upstreamPoints() - before).toBe(rows);

    // Every field (fields omitted): high, low and volume in one read.
    cluster.upstream.reads.length = 0;
    before = upstreamPoints();
    await check({ dataset: bars.name, symbols: ['AAA'], range });
    expect(cluster.upstream.reads.map((r) => r.fields)).toEqual([['high', 'low', 'volume']]);
    expect(upstreamPoints() - before).toBe(3 * rows);

    // Now all of it is cached, in any field order.
    cluster.upstream.reads.length = 0;
    before = upstreamPoints();
    await check(q(['AAA'], ['volume', 'close', 'open']));
    expect(cluster.upstream.reads).toHaveLength(0);
    expect(upstreamPoints() - before).toBe(0);
    expect(cluster.head.node.stats().cacheHits).toBeGreaterThanOrEqual(1);
  });

  it('overlapping reads of different fields coalesce: each (symbol, field) pair is fetched once', async () => {
    const rows = await Promise.all(SYMBOLS.map((s) => rowsIn(s, aligned)));
    const before = upstreamPoints();
    // close of AAA, BBB, CCC and open of BBB, CCC, asked by three reads arriving together.
    await Promise.all([check(q(['AAA', 'BBB'], ['close'])), check(q(['BBB', 'CCC'], ['close', 'open'])), check(q(['CCC'], ['open']))]);
    const reads = cluster.upstream.reads.map((r) => ({ symbols: [...r.symbols].sort(), fields: r.fields }));
    reads.sort((a, b) => a.fields.join().localeCompare(b.fields.join()));
    expect(reads).toEqual([
      { symbols: ['AAA', 'BBB', 'CCC'], fields: ['close'] },
      { symbols: ['BBB', 'CCC'], fields: ['open'] },
    ]);
    expect(upstreamPoints() - before).toBe(rows[0]! + 2 * rows[1]! + 2 * rows[2]!);

    // The same symbols missing the same fields share one read of both fields.
    cluster.head.node.clearCache();
    cluster.upstream.reads.length = 0;
    const again = upstreamPoints();
    await Promise.all([check(q(['AAA', 'BBB'], ['high'])), check(q(['AAA', 'BBB'], ['low', 'high']))]);
    expect(cluster.upstream.reads.map((r) => ({ symbols: [...r.symbols].sort(), fields: r.fields }))).toEqual([
      { symbols: ['AAA', 'BBB'], fields: ['high', 'low'] },
    ]);
    expect(upstreamPoints() - again).toBe(2 * (rows[0]! + rows[1]!));
  });

  it('a write drops every field of the chunks it touches; the next reads fetch just those chunks of the fields they ask', async () => {
    await check(q(['BBB'], ['close', 'volume']));
    cluster.upstream.reads.length = 0;
    const [old] = await check(q(['BBB'], ['close', 'volume']));
    expect(cluster.upstream.reads).toHaveLength(0);

    // Ten days inside one chunk, every field.
    const from = grid.startOf(grid.chunkOf(utc(2013, 3))) + 10 * DAY_MS;
    const rewritten = marketFrame('BBB', bars.fields, from, from + 10 * DAY_MS, DAY_MS, 4242);
    expect(await cluster.write(bars.name, [rewritten])).toBe(rewritten.timestamps.length);
    const touched = grid.rangeOf(grid.spanOf({ start: from, end: from + 10 * DAY_MS }));
    const touchedRows = await rowsIn('BBB', touched);

    let before = upstreamPoints();
    const [fresh] = await check(q(['BBB'], ['close', 'volume']));
    expect(framesBitEqual(fresh!, old!)).toBe(false);
    expect(cluster.upstream.reads.map((r) => ({ fields: r.fields, range: r.range }))).toEqual([{ fields: ['close', 'volume'], range: touched }]);
    expect(upstreamPoints() - before).toBe(2 * touchedRows);

    // open was never cached: a read of open and close fetches open over the whole range, close not at all.
    cluster.upstream.reads.length = 0;
    before = upstreamPoints();
    await check(q(['BBB'], ['open', 'close']));
    expect(cluster.upstream.reads.map((r) => ({ fields: r.fields, range: r.range }))).toEqual([{ fields: ['open'], range: aligned }]);
    expect(upstreamPoints() - before).toBe(await rowsIn('BBB', aligned));
  });
});
