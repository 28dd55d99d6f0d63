import { describe, expect, it } from 'vitest';
import { FlorinError, bytesToFloat64, decodeReadChunk, emptyFrame, encodeReadChunk, type DatasetInfo, type SeriesFrame } from '@florin/core';
import { ChunkGrid, ExtentIndex, FetchGroup, InflightBudget, chunkRuns, resolveHeadOptions } from '@florin/head';
import { splitRun } from '../src/chunk-grid.js';
import { chunkPrefix, chunkSlice, mergeDelta, packChunk, splitIntoChunks } from '../src/chunk-data.js';
import { readChunks } from '../src/read-chunks.js';
import { ANSWER_MARGIN_MS, withRetry } from '../src/retry.js';

const info: DatasetInfo = { name: 'd', fields: ['a', 'b'], frequency: '1d' };
const DAY = 86_400_000;

describe('ChunkGrid', () => {
  const grid = ChunkGrid.forFrequency('1d', 10);
  it('maps half-open ranges to the chunks they touch, epoch-aligned, negative times included', () => {
    expect(grid.spanMs).toBe(10 * DAY);
    expect(grid.spanOf({ start: 0, end: 10 * DAY })).toEqual({ first: 0, end: 1 });
    expect(grid.spanOf({ start: 0, end: 10 * DAY + 1 })).toEqual({ first: 0, end: 2 });
    expect(grid.spanOf({ start: 10 * DAY - 1, end: 10 * DAY })).toEqual({ first: 0, end: 1 });
    expect(grid.spanOf({ start: -1, end: 1 })).toEqual({ first: -1, end: 1 });
    expect(grid.rangeOf({ first: -1, end: 2 })).toEqual({ start: -10 * DAY, end: 20 * DAY });
    expect(grid.estimateRows({ start: 0, end: 25 * DAY })).toBe(25);
  });
  it('finds runs of consecutive chunks and cuts long runs', () => {
    expect(chunkRuns([1, 2, 3, 7, 9, 10])).toEqual([{ first: 1, end: 4 }, { first: 7, end: 8 }, { first: 9, end: 11 }]);
    expect(chunkRuns([])).toEqual([]);
    expect(splitRun({ first: 0, end: 7 }, 3)).toEqual([{ first: 0, end: 3 }, { first: 3, end: 6 }, { first: 6, end: 7 }]);
  });
  it('rejects bad options with precise messages', () => {
    expect(() => resolveHeadOptions({ chunkBars: { fortnight: 2 } })).toThrow(/chunkBars names frequency "fortnight"/);
    expect(() => resolveHeadOptions({ cacheMaxBytes: 0 })).toThrow(/cacheMaxBytes must be a positive integer/);
    expect(() => resolveHeadOptions({ lingerMs: -1 })).toThrow(/lingerMs must be a finite number >= 0/);
    expect(resolveHeadOptions().chunkBars['1m']).toBe(1440);
  });
});

function frame(ts: number[]): SeriesFrame {
  const timestamps = Float64Array.from(ts);
  return { symbol: 'S', fields: info.fields, timestamps, columns: [timestamps.map((t) => t / DAY), timestamps.map((t) => -t)] };
}

describe('chunk data', () => {
  const grid = ChunkGrid.forFrequency('1d', 10);
  it('cuts a fetched frame into contiguous chunks, empty chunks included, and slices them as views', () => {
    const f = frame([1, 2, 3, 11, 12, 25].map((d) => d * DAY));
    const chunks = splitIntoChunks(f, grid, { first: 0, end: 4 }, 2);
    expect(chunks.map((c) => c.rows)).toEqual([3, 2, 1, 0]);
    expect([...chunks[1]!.columns[0]!]).toEqual([11, 12]);
    expect(chunks[1]!.timestamps.buffer).toBe(chunks[1]!.columns[1]!.buffer);
    const slice = chunkSlice(chunks[0]!, 'S', ['b'], [1], { start: 2 * DAY, end: 3 * DAY })!;
    expect([...slice.timestamps]).toEqual([2 * DAY]);
    expect([...slice.columns[0]!]).toEqual([-2 * DAY]);
    expect(slice.timestamps.buffer).toBe(chunks[0]!.timestamps.buffer);
    expect(chunkSlice(chunks[3]!, 'S', ['a'], [0], { start: 0, end: 100 * DAY })).toBeUndefined();
    expect(splitIntoChunks(undefined, grid, { first: 5, end: 7 }, 2).every((c) => c.rows === 0)).toBe(true);
    expect(packChunk(f, 0, 0).rows).toBe(0);
  });
});

describe('ExtentIndex', () => {
  it('lists loaded chunks inside a span by walking the smaller of span and set', () => {
    const index = new ExtentIndex();
    for (const c of [5, 1, 9, 100]) index.loaded.add(c);
    expect(index.loadedIn({ first: 0, end: 10 })).toEqual([1, 5, 9]);
    expect(index.loadedIn({ first: -Infinity, end: Infinity })).toEqual([1, 5, 9, 100]);
    expect(index.loadedIn({ first: 6, end: 9 })).toEqual([]);
    expect(index.empty).toBe(false);
  });
});

describe('FetchGroup', () => {
  const grid = ChunkGrid.forFrequency('1d', 10);
  it('aborts only when the last waiter leaves an unsettled fetch, and tells the index at once', async () => {
    const abandoned: FetchGroup[] = [];
    const g = new FetchGroup(info, grid, 0, ['S'], info.fields, { first: 0, end: 1 }, (x) => abandoned.push(x));
    g.attach(Date.now() + 1000);
    g.attach(Date.now() + 5000);
    expect(g.deadlineMs).toBeGreaterThan(Date.now() + 4000);
    g.detach();
    expect(g.signal.aborted).toBe(false);
    g.detach();
    expect(g.signal.aborted).toBe(true);
    expect(abandoned).toEqual([g]);
    await expect(g.promise).rejects.toMatchObject({ code: 'CANCELLED' });
  });
  it('does not abort once settled', async () => {
    const g = new FetchGroup(info, grid, 0, ['S'], info.fields, { first: 0, end: 1 }, () => {
      throw new Error('must not be called');
    });
    g.attach(0);
    g.fulfil(new Map());
    g.detach();
    expect(g.signal.aborted).toBe(false);
    await expect(g.promise).resolves.toEqual(new Map());
  });
});

describe('InflightBudget', () => {
  it('queues fetches past the bound in FIFO order, runs an oversized one alone, and drops aborted waiters', async () => {
    const budget = new InflightBudget(100);
    const never = new AbortController().signal;
    const r1 = await budget.acquire(60, never);
    const order: string[] = [];
    const p2 = budget.acquire(60, never).then((r) => (order.push('second'), r));
    const leaving = new AbortController();
    const p3 = budget.acquire(10, leaving.signal);
    const p4 = budget.acquire(500, never).then((r) => (order.push('huge'), r));
    expect(budget.used).toBe(60);
    expect(budget.waiting).toBe(3);
    leaving.abort(new FlorinError('CANCELLED', 'gone'));
    await expect(p3).rejects.toMatchObject({ code: 'CANCELLED' });
    r1();
    r1();
    const r2 = await p2;
    expect(budget.used).toBe(60);
    r2();
    const r4 = await p4;
    expect(budget.used).toBe(500);
    expect(order).toEqual(['second', 'huge']);
    r4();
    expect(budget.used).toBe(0);
  });
});

describe('withRetry', () => {
  const policy = { maxAttempts: 5, initialBackoffMs: 1, maxBackoffMs: 4, multiplier: 2 };
  const signal = new AbortController().signal;
  it('retries UNAVAILABLE with backoff until it succeeds', async () => {
    let n = 0;
    const retries: number[] = [];
    const out = await withRetry(
      async () => {
        if (++n < 3) throw new FlorinError('UNAVAILABLE', 'down');
        return 'ok';
      },
      { policy, signal, deadlineMs: () => Date.now() + 10_000, onRetry: (_e, a) => retries.push(a) },
    );
    expect(out).toBe('ok');
    expect(retries).toEqual([1, 2]);
  });
  it('passes caller faults through at once, and gives up after maxAttempts or at the deadline', async () => {
    let n = 0;
    const fault = withRetry(
      async () => {
        n++;
        throw new FlorinError('RESOURCE_EXHAUSTED', 'too big');
      },
      { policy, signal, deadlineMs: () => Date.now() + 10_000 },
    );
    await expect(fault).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED', message: 'too big' });
    expect(n).toBe(1);
    n = 0;
    const down = withRetry(
      async () => {
        n++;
        throw new FlorinError('UNAVAILABLE', 'down');
      },
      { policy, signal, deadlineMs: () => Date.now() + 10_000 },
    );
    await expect(down).rejects.toMatchObject({ code: 'UNAVAILABLE', message: 'down' });
    expect(n).toBe(5);
    n = 0;
    const late = withRetry(
      async () => {
        n++;
        throw new FlorinError('UNAVAILABLE', 'down');
      },
      { policy: { ...policy, initialBackoffMs: 1_000, maxBackoffMs: 1_000 }, signal, deadlineMs: () => Date.now() + 100 },
    );
    await expect(late).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(n).toBe(1);
    // The last tenth of the call's time (at most ANSWER_MARGIN_MS) is kept to carry the failure back.
    // Each retry is decided with more than the next backoff (15 ms here) plus the margin (100 ms) left.
    const deadline = Date.now() + 1_000;
    const leftAtRetry: number[] = [];
    const kept = withRetry(
      async () => Promise.reject(new FlorinError('UNAVAILABLE', 'down')),
      {
        policy: { ...policy, maxAttempts: 1_000, initialBackoffMs: 20, maxBackoffMs: 20, multiplier: 1 },
        signal,
        deadlineMs: () => deadline,
        random: () => 0.5,
        onRetry: () => leftAtRetry.push(deadline - Date.now()),
      },
    );
    await expect(kept).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(leftAtRetry.length).toBeGreaterThan(0);
    expect(Math.min(...leftAtRetry)).toBeGreaterThan(110);
    expect(ANSWER_MARGIN_MS).toBe(250);
    await expect(withRetry(async () => Promise.reject(new Error('boom')), { policy, signal, deadlineMs: () => Date.now() + 1000 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });
});

describe('readChunks', () => {
  it('bounds chunk bytes, splits long pieces, marks each symbol\'s last block and answers empty symbols', () => {
    const a = frame(Array.from({ length: 100 }, (_, i) => i * DAY));
    const pieces = [sliceOf(a, 0, 40), sliceOf(a, 40, 100)];
    const result = { fields: info.fields, series: [{ symbol: 'S', pieces }, { symbol: 'E', pieces: [] }], points: 200 };
    const chunks = [...readChunks(result, 1_000)].map((c) => decodeReadChunk(encodeReadChunk(c)));
    const blocks = chunks.flatMap((c) => c.blocks);
    for (const c of chunks) expect(c.blocks.reduce((n, b) => n + b.timestamps.byteLength * 3 + 40, 0)).toBeLessThanOrEqual(1_000 + 64);
    const s = blocks.filter((b) => b.symbol === 'S');
    expect(s.map((b) => b.last)).toEqual([...Array(s.length - 1).fill(false), true]);
    expect(s.map((b) => b.totalRows)).toEqual([100, ...Array(s.length - 1).fill(0)]);
    const ts = s.flatMap((b) => [...bytesToFloat64(b.timestamps)]);
    expect(ts).toEqual([...a.timestamps]);
    const e = blocks.filter((b) => b.symbol === 'E');
    expect(e).toHaveLength(1);
    expect(e[0]!.last).toBe(true);
    expect(e[0]!.timestamps.byteLength).toBe(0);
    expect(emptyFrame('E', info.fields).columns).toHaveLength(2);
  });
});

function sliceOf(f: SeriesFrame, from: number, to: number): SeriesFrame {
  return { ...f, timestamps: f.timestamps.subarray(from, to), columns: f.columns.map((c) => c.subarray(from, to)) };
}

describe('live-edge chunks', () => {
  it('keeps the settled prefix as its own contiguous chunk, and merges a delta after it', () => {
    const whole = packChunk(frame([1, 2, 3, 4, 5, 6].map((d) => d * DAY)), 0, 6);
    const prefix = chunkPrefix(whole, 3.5 * DAY);
    expect(Array.from(prefix.timestamps)).toEqual([1, 2, 3].map((d) => d * DAY));
    expect(Array.from(prefix.columns[1]!)).toEqual([1, 2, 3].map((d) => -d * DAY));
    expect(prefix.timestamps.buffer).not.toBe(whole.timestamps.buffer);
    expect(chunkPrefix(whole, 7 * DAY)).toBe(whole);
    // The delta starts before validTo (another symbol's, earlier) and runs past the chunk's end: only [validTo, end) is taken.
    const delta = frame([2, 3, 4, 5, 12].map((d) => d * DAY));
    delta.columns[0]![2] = 99;
    const merged = mergeDelta(prefix, 3.5 * DAY, 10 * DAY, delta);
    expect(Array.from(merged.timestamps)).toEqual([1, 2, 3, 4, 5].map((d) => d * DAY));
    expect(Array.from(merged.columns[0]!)).toEqual([1, 2, 3, 99, 5]);
    expect(mergeDelta(prefix, 3.5 * DAY, 10 * DAY, undefined)).toBe(prefix);
  });
});

describe('ChunkCache', () => {
  it('keeps the series index true through evictions, deletes, oversize entries and clear()', async () => {
    const { ChunkCache } = await import('../src/chunk-cache.js');
    const { SeriesIndex } = await import('../src/extent-index.js');
    const index = new SeriesIndex();
    const cache = new ChunkCache(2_000, index);
    const chunk = (rows: number) => packChunk(frame(Array.from({ length: rows }, (_, i) => i)), 0, rows);
    const loaded = (key: string) => index.loadedIn(key, { first: -Infinity, end: Infinity });
    for (let c = 0; c < 20; c++) expect(cache.set('k', c, chunk(10), (c + 1) * 10)).toBe(true);
    expect(cache.bytes).toBeLessThanOrEqual(2_000);
    expect(cache.evictions).toBeGreaterThan(0);
    const held = loaded('k');
    expect(held.length).toBe(cache.entries);
    for (const c of held) expect(cache.get('k', c)).toBeDefined();
    expect(cache.set('k', 99, chunk(100), 1000)).toBe(false);
    expect(loaded('k')).not.toContain(99);
    cache.delete('k', held[0]!);
    expect(loaded('k')).toEqual(held.slice(1));
    cache.clear();
    expect(loaded('k')).toEqual([]);
    expect(index.size).toBe(0);
  });
});
