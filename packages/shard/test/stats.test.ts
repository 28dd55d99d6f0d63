import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardFor } from '@florin/core';
import { RECENT_READS_CAPACITY } from '@florin/shard';
import { ShardStatsRecorder } from '../src/shard-stats.js';
import { startShardCluster as startCluster, type ShardCluster } from '@florin/test-support';
import { DAY_MS, OHLCV, syntheticFrame, failure } from '@florin/test-support';

const DATASET = { name: 'bars', fields: [...OHLCV], frequency: '1d' };
const START = Date.UTC(2021, 0, 1);

describe('ShardServer.stats()', () => {
  let cluster: ShardCluster;
  const owned: string[] = [];
  const foreign: string[] = [];

  beforeAll(async () => {
    cluster = await startCluster(2);
    await cluster.router.createDataset(DATASET);
    for (let i = 0; owned.length < 3 || foreign.length < 1; i++) {
      const s = `S${i}`;
      (shardFor(DATASET.name, s, 2) === 0 ? owned : foreign).push(s);
    }
  });
  afterAll(() => cluster?.close());

  it('counts accepted writes and reads, rows and points, and remembers each read range', async () => {
    const shard = cluster.shards[0]!;
    const client = cluster.router.client(0);
    shard.stats(true);
    const frames = owned.slice(0, 3).map((s, i) => syntheticFrame(s, DATASET.fields, 100 + i, START, DAY_MS, i));
    expect(await client.write(DATASET.name, DATASET.fields, frames)).toBe(303);
    let stats = shard.stats();
    expect(stats).toMatchObject({ writeCalls: 1, rowsWritten: 303, readCalls: 0, readPoints: 0, readRows: 0 });

    const range = { start: START + 10 * DAY_MS, end: START + 60 * DAY_MS };
    const got = await client.read({ dataset: DATASET.name, symbols: owned.slice(0, 3), fields: ['close', 'open'], range });
    const rows = got.reduce((n, f) => n + f.timestamps.length, 0);
    expect(rows).toBe(150);
    stats = shard.stats();
    expect(stats.readCalls).toBe(1);
    expect(stats.readRows).toBe(rows);
    expect(stats.readPoints).toBe(rows * 2);
    expect(stats.recentReads).toEqual([{ dataset: DATASET.name, symbols: 3, startMs: range.start, endMs: range.end, points: rows * 2 }]);
  });

  it('does not count calls that fail validation, ownership or the dataset lookup', async () => {
    const shard = cluster.shards[0]!;
    const client = cluster.router.client(0);
    shard.stats(true);
    const range = { start: START, end: START + DAY_MS };
    expect((await failure(client.read({ dataset: 'nope', symbols: [owned[0]!], range }))).code).toBe('NOT_FOUND');
    expect((await failure(client.read({ dataset: DATASET.name, symbols: [foreign[0]!], range }))).code).toBe('FAILED_PRECONDITION');
    expect((await failure(client.read({ dataset: DATASET.name, symbols: [owned[0]!], range: { start: 5, end: 1 } }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    const frame = syntheticFrame(foreign[0]!, DATASET.fields, 5, START, DAY_MS, 9);
    await failure(client.write(DATASET.name, DATASET.fields, [frame]));
    expect(shard.stats()).toEqual({ readCalls: 0, readPoints: 0, readRows: 0, writeCalls: 0, rowsWritten: 0, recentReads: [] });
  });

  it('reset returns the window and starts a new one', async () => {
    const shard = cluster.shards[0]!;
    const range = { start: START, end: START + 5 * DAY_MS };
    await cluster.router.client(0).read({ dataset: DATASET.name, symbols: [owned[0]!], range });
    const window = shard.stats(true);
    expect(window.readCalls).toBeGreaterThanOrEqual(1);
    expect(window.recentReads.at(-1)).toMatchObject({ startMs: range.start, endMs: range.end, symbols: 1 });
    expect(shard.stats()).toEqual({ readCalls: 0, readPoints: 0, readRows: 0, writeCalls: 0, rowsWritten: 0, recentReads: [] });
    expect(cluster.shards[1]!.stats().readCalls).toBe(0);
  });
});

describe('ShardStatsRecorder', () => {
  it('keeps the last reads, oldest first, up to its capacity', () => {
    expect(RECENT_READS_CAPACITY).toBe(1_000);
    const recorder = new ShardStatsRecorder(3);
    for (let i = 0; i < 5; i++) recorder.startRead('d', i + 1, i, i + 10).addRows(i, 2);
    const stats = recorder.snapshot();
    expect(stats.readCalls).toBe(5);
    expect(stats.readRows).toBe(0 + 1 + 2 + 3 + 4);
    expect(stats.readPoints).toBe(2 * 10);
    expect(stats.recentReads.map((r) => [r.symbols, r.startMs, r.points])).toEqual([
      [3, 2, 4],
      [4, 3, 6],
      [5, 4, 8],
    ]);
    expect(() => new ShardStatsRecorder(0)).toThrow('capacity must be a positive integer');
  });

  it('a read streaming across a reset counts its later rows in the new window only', () => {
    const recorder = new ShardStatsRecorder(4);
    const read = recorder.startRead('d', 1, 0, 1);
    read.addRows(10, 1);
    expect(recorder.snapshot(true).readPoints).toBe(10);
    read.addRows(5, 1);
    expect(recorder.snapshot()).toMatchObject({ readCalls: 0, readPoints: 5, readRows: 5, recentReads: [] });
  });
});
