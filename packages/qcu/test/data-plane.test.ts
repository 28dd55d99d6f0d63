import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlorinError, framesBitEqual, lowerBound, sliceRows, type SeriesFrame } from '@florin/core';
import { Publisher, readHistory } from '@florin/qcu';
import { startQcuCluster as startCluster, type QcuCluster } from '@florin/test-support';
import { DAY_MS, dailyBars, utc } from '@florin/test-support';

let cluster: QcuCluster;

/** Bars with no rows at all in [gapStart, gapEnd): a halted listing. */
function withGap(frame: SeriesFrame, gapStart: number, gapEnd: number): SeriesFrame {
  const keep: number[] = [];
  frame.timestamps.forEach((t, i) => (t < gapStart || t >= gapEnd) && keep.push(i));
  return {
    symbol: frame.symbol,
    fields: frame.fields,
    timestamps: Float64Array.from(keep.map((i) => frame.timestamps[i]!)),
    columns: frame.columns.map((c) => Float64Array.from(keep.map((i) => c[i]!))),
  };
}

const GAPPY = withGap(dailyBars('GAPPY', utc(2010), utc(2015), 1), utc(2012), utc(2013, 6, 1));
const YOUNG = dailyBars('YOUNG', utc(2013, 8, 1), utc(2015), 2);
const PLAIN = dailyBars('PLAIN', utc(2010), utc(2015), 3);

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.seed({ name: 'prices', fields: ['close'], frequency: '1d' }, [GAPPY, YOUNG, PLAIN]);
  await cluster.data.createDataset({ name: 'signals', fields: ['a', 'b'], frequency: '1d' });
});
afterAll(() => cluster?.close());

describe('readHistory', () => {
  it('reads enough rows before the range, widening the window across gaps, and stops at the start of the data', async () => {
    const range = { start: utc(2013, 9, 1), end: utc(2014) };
    const frames = await readHistory(cluster.data, { dataset: 'prices', symbols: ['GAPPY', 'YOUNG', 'PLAIN'], fields: ['close'], range, bars: 252 });
    expect(frames.map((f) => f.symbol)).toEqual(['GAPPY', 'YOUNG', 'PLAIN']);
    frames.forEach((frame, i) => {
      const full = [GAPPY, YOUNG, PLAIN][i]!;
      const before = lowerBound(frame.timestamps, range.start);
      // Each frame is a contiguous run of the stored series that ends with the range.
      const from = lowerBound(full.timestamps, frame.timestamps[0]!);
      expect(framesBitEqual(frame, sliceRows(full, from, lowerBound(full.timestamps, range.end)))).toBe(true);
      if (full === YOUNG) expect(from).toBe(0); // its whole (short) history
      else expect(before).toBeGreaterThanOrEqual(252);
    });
  });
});

describe('Publisher', () => {
  it('writes buffered frames through the owning heads, splitting large ones, and they read back bit for bit', async () => {
    const publisher = new Publisher(cluster.data, 'job-1', { flushBytes: 4096, datasets: new Map([['signals', ['a', 'b']]]) });
    const frames = ['X1', 'X2', 'X3'].map((symbol, s): SeriesFrame => {
      const n = 500 + s * 100;
      const timestamps = Float64Array.from({ length: n }, (_, i) => utc(2000) + i * DAY_MS);
      // Columns given in another order than the dataset's: the publisher reorders them.
      return { symbol, fields: ['b', 'a'], timestamps, columns: [timestamps.map((t) => t / 7), timestamps.map((_, i) => i * 0.1 + s)] };
    });
    for (const f of frames) await publisher.publish('signals', f.symbol, f);
    await publisher.flush();
    expect(publisher.rows).toBe(500 + 600 + 700);
    const back = await cluster.data.read({ dataset: 'signals', symbols: ['X1', 'X2', 'X3'], fields: ['b', 'a'], range: { start: utc(2000), end: utc(2010) } });
    back.forEach((f, i) => expect(framesBitEqual(f, frames[i]!)).toBe(true));
  });

  it('rejects malformed frames with INVALID_ARGUMENT before writing', async () => {
    const publisher = new Publisher(cluster.data, 'job-2', { datasets: new Map([['signals', ['a', 'b']]]) });
    const ts = Float64Array.of(utc(2001), utc(2001, 1, 2));
    const bad = [
      [{ fields: ['a'], timestamps: ts, columns: [Float64Array.of(1, 2)] }, /lacks field b of the dataset/],
      [{ fields: ['a', 'b'], timestamps: Float64Array.of(utc(2001, 1, 2), utc(2001)), columns: [ts, ts] }, /strictly increasing/],
      [{ fields: ['a', 'b'], timestamps: ts, columns: [ts, Float64Array.of(1)] }, /column b must be a Float64Array of 2 values/],
    ] as const;
    for (const [frame, message] of bad) {
      const err = await publisher.publish('signals', 'X9', frame).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FlorinError);
      expect((err as FlorinError).code).toBe('INVALID_ARGUMENT');
      expect((err as Error).message).toMatch(message);
    }
    await expect(publisher.publish('signals', 'bad symbol!', { fields: ['a', 'b'], timestamps: ts, columns: [ts, ts] })).rejects.toThrow(/malformed symbol/);
  });
});
