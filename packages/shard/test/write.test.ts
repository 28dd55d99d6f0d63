import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlorinError, shardFor, type SeriesFrame } from '@florin/core';
import { startShardCluster as startCluster, type ShardCluster } from '@florin/test-support';
import { DAY_MS, OHLCV, expectSameSeries, syntheticFrame } from '@florin/test-support';

const DATASET = { name: 'bars', fields: [...OHLCV], frequency: '1d' };
const START = Date.UTC(2020, 0, 1);
const RANGE = { start: START, end: START + 1_000 * DAY_MS };

/** Symbols owned by each of two shards for `dataset`. */
function symbolsByShard(dataset: string, count: number): [string[], string[]] {
  const owned: [string[], string[]] = [[], []];
  for (let i = 0; owned[0].length < count || owned[1].length < count; i++) {
    const s = `SYM${i}`;
    const list = owned[shardFor(dataset, s, 2) as 0 | 1];
    if (list.length < count) list.push(s);
  }
  return owned;
}

describe('shard writes', () => {
  let cluster: ShardCluster;
  const [mine, theirs] = symbolsByShard(DATASET.name, 3);

  beforeAll(async () => {
    cluster = await startCluster(2);
    expect((await cluster.router.createDataset(DATASET)).created).toBe(true);
  });
  afterAll(() => cluster?.close());

  it('write then read sees exactly what was written', async () => {
    const frames = mine.map((s, i) => syntheticFrame(s, DATASET.fields, 300, START, DAY_MS, 100 + i));
    expect(await cluster.router.client(0).write(DATASET.name, DATASET.fields, frames)).toBe(900);
    const got = await cluster.router.client(0).read({ dataset: DATASET.name, symbols: mine, range: RANGE });
    mine.forEach((s, i) => expectSameSeries(got[i], frames[i], s, DATASET.fields));
  });

  it('upserting the same rows twice changes nothing', async () => {
    const frame = syntheticFrame(theirs[0]!, DATASET.fields, 250, START, DAY_MS, 7);
    const shard = cluster.router.client(1);
    await shard.write(DATASET.name, DATASET.fields, [frame]);
    const before = await cluster.stores[1]!.countRows(DATASET.name);
    expect(await shard.write(DATASET.name, DATASET.fields, [frame])).toBe(250);
    expect(await cluster.stores[1]!.countRows(DATASET.name)).toBe(before);
    const [got] = await shard.read({ dataset: DATASET.name, symbols: [frame.symbol], range: RANGE });
    expectSameSeries(got, frame, frame.symbol, DATASET.fields);
  });

  it('concurrent writes of the same rows queue behind each other and all succeed', async () => {
    const frame = syntheticFrame(mine[1]!, DATASET.fields, 120, START + 600 * DAY_MS, DAY_MS, 21);
    const before = await cluster.stores[0]!.countRows(DATASET.name);
    const results = await Promise.all(Array.from({ length: 8 }, () => cluster.router.write(DATASET.name, DATASET.fields, [frame])));
    expect(results).toEqual(Array(8).fill(120));
    expect(await cluster.stores[0]!.countRows(DATASET.name)).toBe(before + 120);
  });

  it('an upsert replaces the values at existing timestamps, fields in any order', async () => {
    const symbol = theirs[1]!;
    const first = syntheticFrame(symbol, DATASET.fields, 100, START, DAY_MS, 1);
    const second = syntheticFrame(symbol, DATASET.fields, 50, START + 75 * DAY_MS, DAY_MS, 2);
    await cluster.router.write(DATASET.name, DATASET.fields, [first]);
    const reversed = [...DATASET.fields].reverse();
    const secondReversed: SeriesFrame = { ...second, fields: reversed, columns: [...second.columns].reverse() };
    await cluster.router.write(DATASET.name, reversed, [secondReversed]);
    const [got] = await cluster.router.read({ dataset: DATASET.name, symbols: [symbol], range: RANGE });
    expect(got!.timestamps.length).toBe(125);
    expectSameSeries({ ...got!, timestamps: got!.timestamps.subarray(0, 75), columns: got!.columns.map((c) => c.subarray(0, 75)) },
      { ...first, timestamps: first.timestamps.subarray(0, 75), columns: first.columns.map((c) => c.subarray(0, 75)) }, symbol, DATASET.fields);
    expectSameSeries({ ...got!, timestamps: got!.timestamps.subarray(75), columns: got!.columns.map((c) => c.subarray(75)) }, second, symbol, DATASET.fields);
  });

  it('refuses a write naming a symbol another shard owns, and writes nothing of it', async () => {
    const before = await cluster.stores[0]!.countRows(DATASET.name);
    const owned = syntheticFrame(mine[2]!, DATASET.fields, 10, START + 500 * DAY_MS, DAY_MS, 3);
    const foreign = syntheticFrame(theirs[2]!, DATASET.fields, 10, START, DAY_MS, 4);
    const err = await cluster.router.client(0).write(DATASET.name, DATASET.fields, [owned, foreign]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlorinError);
    expect((err as FlorinError).code).toBe('FAILED_PRECONDITION');
    expect((err as FlorinError).message).toContain(`${theirs[2]} (owned by shard 1)`);
    expect(await cluster.stores[0]!.countRows(DATASET.name)).toBe(before);
    expect(await cluster.stores[0]!.symbols(DATASET.name)).not.toContain(theirs[2]);
    const [stillOld] = await cluster.router.read({ dataset: DATASET.name, symbols: [mine[2]!], range: { start: START + 500 * DAY_MS, end: RANGE.end } });
    expect(stillOld!.timestamps.length).toBe(0);
  });
});
