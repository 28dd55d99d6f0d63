import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DatasetStarts } from '../src/dataset-starts.js';
import { DuckDbStore } from '../src/index.js';

const DAY = 86_400_000;
const frame = (symbol: string, days: number[]) => ({
  symbol,
  fields: ['close'],
  timestamps: Float64Array.from(days, (d) => d * DAY),
  columns: [Float64Array.from(days, (d) => d + 0.5)],
});

describe('DatasetStarts', () => {
  it('learns a start once, lowers it with earlier writes, and keeps +Infinity for a dataset without rows', async () => {
    const starts = new DatasetStarts();
    const query = vi.fn(async () => 100);
    starts.learn('d', query);
    starts.learn('d', query); // being learned: not asked twice
    await vi.waitFor(() => expect(starts.get('d')).toBe(100));
    starts.learn('d', query);
    expect(query).toHaveBeenCalledTimes(1);
    starts.wrote('d', 150);
    expect(starts.get('d')).toBe(100);
    starts.wrote('d', 40);
    expect(starts.get('d')).toBe(40);
    starts.learn('empty', async () => undefined);
    await vi.waitFor(() => expect(starts.get('empty')).toBe(Number.POSITIVE_INFINITY));
  });

  it('does not keep a start that a write raced, nor one whose query failed', async () => {
    const starts = new DatasetStarts();
    let answer!: (first: number) => void;
    starts.learn('d', () => new Promise<number>((resolve) => (answer = resolve)));
    starts.wrote('d', 10); // committed while min(ts) ran: the answer may not count it
    answer(100);
    await new Promise((r) => setTimeout(r, 10));
    expect(starts.get('d')).toBeUndefined();
    starts.learn('d', () => Promise.reject(new Error('reader closed')));
    await new Promise((r) => setTimeout(r, 10));
    expect(starts.get('d')).toBeUndefined();
    starts.learn('d', async () => 10);
    await vi.waitFor(() => expect(starts.get('d')).toBe(10));
  });
});

describe('DuckDbStore reads before a dataset starts', () => {
  let dir: string;
  let store: DuckDbStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'florin-starts-'));
    store = new DuckDbStore({ path: join(dir, 'starts.duckdb') });
    await store.open();
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers them without a query once it knows the start, and sees rows written before it afterwards', async () => {
    await store.createDataset({ name: 'd', fields: ['close'], frequency: '1d' });
    await store.write('d', [frame('A', [100, 101, 102]), frame('B', [120])]);
    const before = { dataset: 'd', symbols: ['A', 'B'], fields: ['close'], range: { start: 0, end: 100 * DAY } };
    expect(await store.read(before)).toEqual([]);
    await vi.waitFor(() => expect(store.knownStart('d')).toBe(100 * DAY));
    expect(await store.read(before)).toEqual([]);
    expect(await store.read({ ...before, range: { start: 0, end: 100 * DAY + 1 } })).toEqual([frame('A', [100])]);
    // Older rows written later: the start moves back with the write, so a read before the old start finds them.
    await store.write('d', [frame('B', [10, 11])]);
    expect(store.knownStart('d')).toBe(10 * DAY);
    expect(await store.read(before)).toEqual([frame('B', [10, 11])]);
  });

  it('starts an empty dataset at +Infinity and finds the rows of its first write', async () => {
    await store.createDataset({ name: 'e', fields: ['close'], frequency: '1d' });
    const all = { dataset: 'e', symbols: ['A'], fields: ['close'], range: { start: 0, end: 1_000 * DAY } };
    expect(await store.read(all)).toEqual([]);
    await vi.waitFor(() => expect(store.knownStart('e')).toBe(Number.POSITIVE_INFINITY));
    await store.write('e', [frame('A', [500])]);
    expect(await store.read(all)).toEqual([frame('A', [500])]);
  });
});
