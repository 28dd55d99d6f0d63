import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlorinError, type SeriesFrame } from '@florin/core';
import { DuckDbStore } from '@florin/store';
import { DAY_MS, expectSameSeries, syntheticFrame } from '@florin/test-support';
import { WriteLane } from '../src/write-lane.js';

const DATASET = { name: 'signal', fields: ['momentum', 'ret'], frequency: '1d' };
const START = Date.UTC(2020, 0, 1);
const RANGE = { start: START, end: START + 1_000 * DAY_MS };

/** Rows the store returned for `symbol` (a symbol without rows may have no frame). */
function rowsOf(frames: readonly SeriesFrame[], symbol: string): number {
  return frames.find((f) => f.symbol === symbol)?.timestamps.length ?? 0;
}

describe('WriteLane (group commit over a real DuckDB store)', () => {
  let dir: string;
  let store: DuckDbStore;
  /** The store writes the lane made, by how many frames each carried. */
  let storeWrites: number[];
  let lane: WriteLane;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'florin-write-lane-'));
    store = new DuckDbStore({ path: join(dir, 'shard.duckdb'), threads: 1 });
    await store.open();
    await store.createDataset(DATASET);
    storeWrites = [];
    lane = new WriteLane({
      write: (dataset, frames) => {
        storeWrites.push(frames.length);
        return store.write(dataset, frames);
      },
      writeChecked: (dataset, frames, cover) => {
        storeWrites.push(frames.length);
        return store.writeChecked(dataset, frames, cover);
      },
    });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('merges the writes queued behind a running one into one store write; every caller gets its rows', async () => {
    const frames = Array.from({ length: 9 }, (_, i) => syntheticFrame(`S${i}`, DATASET.fields, 200 + i, START, DAY_MS, i));
    const answers = await Promise.all(frames.map((f) => lane.write(DATASET.name, [f])));
    expect(answers).toEqual(frames.map((f) => ({ rows: f.timestamps.length, covered: false })));
    // The first runs alone; the eight that arrived while it ran go as one.
    expect(storeWrites).toEqual([1, 8]);
    const got = await store.read({ dataset: DATASET.name, symbols: frames.map((f) => f.symbol), fields: DATASET.fields, range: RANGE });
    frames.forEach((f, i) => expectSameSeries(got[i], f, f.symbol, DATASET.fields));
  });

  it('keeps arrival order for one key: the later request wins when both are merged', async () => {
    const first = syntheticFrame('AAA', DATASET.fields, 100, START, DAY_MS, 1);
    const second = syntheticFrame('AAA', DATASET.fields, 100, START, DAY_MS, 2);
    const third = syntheticFrame('AAA', DATASET.fields, 100, START, DAY_MS, 3);
    await Promise.all([lane.write(DATASET.name, [first]), lane.write(DATASET.name, [second]), lane.write(DATASET.name, [third])]);
    expect(storeWrites).toEqual([1, 2]);
    const [got] = await store.read({ dataset: DATASET.name, symbols: ['AAA'], fields: DATASET.fields, range: RANGE });
    expectSameSeries(got, third, 'AAA', DATASET.fields);
    expect(await store.countRows(DATASET.name)).toBe(100);
  });

  it('fails only the request with bad rows when a merged write is refused', async () => {
    const good = [syntheticFrame('G1', DATASET.fields, 50, START, DAY_MS, 1), syntheticFrame('G2', DATASET.fields, 50, START, DAY_MS, 2)];
    const bad: SeriesFrame = { ...syntheticFrame('BAD', DATASET.fields, 3, START, DAY_MS, 3), timestamps: Float64Array.from([START, START, START + DAY_MS]) };
    const head = lane.write(DATASET.name, [syntheticFrame('H', DATASET.fields, 10, START, DAY_MS, 9)]);
    const outcomes = await Promise.allSettled([lane.write(DATASET.name, [good[0]!]), lane.write(DATASET.name, [bad]), lane.write(DATASET.name, [good[1]!])]);
    await head;
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const reason = (outcomes[1] as PromiseRejectedResult).reason as FlorinError;
    expect(reason).toBeInstanceOf(FlorinError);
    expect(reason.code).toBe('INVALID_ARGUMENT');
    const got = await store.read({ dataset: DATASET.name, symbols: ['G1', 'G2', 'BAD'], fields: DATASET.fields, range: RANGE });
    expectSameSeries(got.find((f) => f.symbol === 'G1'), good[0], 'G1', DATASET.fields);
    expectSameSeries(got.find((f) => f.symbol === 'G2'), good[1], 'G2', DATASET.fields);
    expect(rowsOf(got, 'BAD')).toBe(0);
  });

  it('answers DEADLINE_EXCEEDED, writing nothing, for a request whose deadline passed while it queued', async () => {
    const running = lane.write(DATASET.name, [syntheticFrame('FIRST', DATASET.fields, 500, START, DAY_MS, 1)]);
    const late = lane.write(DATASET.name, [syntheticFrame('LATE', DATASET.fields, 10, START, DAY_MS, 2)], Date.now() - 1);
    await expect(late).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    await running;
    const got = await store.read({ dataset: DATASET.name, symbols: ['LATE', 'FIRST'], fields: DATASET.fields, range: RANGE });
    expect(rowsOf(got, 'LATE')).toBe(0);
    expect(rowsOf(got, 'FIRST')).toBe(500);
  });

  describe('cover (what a head needs to cache what it wrote through)', () => {
    const AROUND = { start: START - 100 * DAY_MS, end: START + 400 * DAY_MS };

    it('is covered when the asked range then holds exactly the written rows of its symbols', async () => {
      const first = syntheticFrame('AAA', DATASET.fields, 100, START, DAY_MS, 1);
      expect(await lane.write(DATASET.name, [first], Infinity, AROUND)).toEqual({ rows: 100, covered: true });
      // The same keys again with other values (a rerun): still exactly the written rows.
      const rerun = syntheticFrame('AAA', DATASET.fields, 100, START, DAY_MS, 7);
      expect(await lane.write(DATASET.name, [rerun], Infinity, AROUND)).toEqual({ rows: 100, covered: true });
      // New keys beside the stored ones inside the range: not covered.
      const later = syntheticFrame('AAA', DATASET.fields, 10, START + 200 * DAY_MS, DAY_MS, 2);
      expect(await lane.write(DATASET.name, [later], Infinity, AROUND)).toEqual({ rows: 10, covered: false });
      // Not asked: not covered.
      expect(await lane.write(DATASET.name, [syntheticFrame('NEW', DATASET.fields, 5, START, DAY_MS, 3)])).toEqual({ rows: 5, covered: false });
    });

    it('sees rows outside the written span but inside the asked range', async () => {
      await store.write(DATASET.name, [syntheticFrame('BBB', DATASET.fields, 5, START - 50 * DAY_MS, DAY_MS, 1)]);
      const written = syntheticFrame('BBB', DATASET.fields, 20, START, DAY_MS, 2);
      expect(await lane.write(DATASET.name, [written], Infinity, AROUND)).toEqual({ rows: 20, covered: false });
      expect(await lane.write(DATASET.name, [written], Infinity, { start: START, end: START + 20 * DAY_MS })).toEqual({ rows: 20, covered: true });
    });

    it('is not covered for requests merged with another that names the same symbol', async () => {
      const running = lane.write(DATASET.name, [syntheticFrame('H', DATASET.fields, 10, START, DAY_MS, 9)]);
      const answers = await Promise.all([
        lane.write(DATASET.name, [syntheticFrame('X', DATASET.fields, 30, START, DAY_MS, 1)], Infinity, AROUND),
        lane.write(DATASET.name, [syntheticFrame('X', DATASET.fields, 30, START, DAY_MS, 2)], Infinity, AROUND),
        lane.write(DATASET.name, [syntheticFrame('Y', DATASET.fields, 30, START, DAY_MS, 3)], Infinity, AROUND),
      ]);
      await running;
      expect(storeWrites).toEqual([1, 3]);
      // The two writes of X have the same keys: the range holds 30 rows, the later request's values.
      expect(answers).toEqual([
        { rows: 30, covered: false },
        { rows: 30, covered: false },
        { rows: 30, covered: true },
      ]);
    });
  });
});
