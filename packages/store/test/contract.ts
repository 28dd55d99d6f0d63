import { afterEach, describe, expect, it } from 'vitest';
import { FlorinError, framesBitEqual, type DatasetInfo, type FlorinErrorCode, type SeriesFrame } from '@florin/core';
import type { Store } from '@florin/store';

/** Makes a new, unopened store. Stores made by one factory may share a database, so each test uses its own datasets. */
export type StoreFactory = () => Store;

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

/** Values a store must keep bit for bit. */
export const AWKWARD_VALUES = [
  Number.NaN,
  -0,
  0,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  1e-300,
  -1.2345678901234567e-200,
  0.1 + 0.2,
  123456789.12345678,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  2 ** 53 + 2,
  -1 / 3,
];

export function frame(symbol: string, fields: readonly string[], timestamps: readonly number[], columns: readonly (readonly number[])[]): SeriesFrame {
  return { symbol, fields, timestamps: Float64Array.from(timestamps), columns: columns.map((c) => Float64Array.from(c)) };
}

/** A frame of `days` daily rows whose values are a deterministic function of (symbol index, field, row). */
export function sampleFrame(symbol: string, index: number, fields: readonly string[], days: number, firstDay = 0): SeriesFrame {
  const timestamps = Array.from({ length: days }, (_, d) => T0 + (firstDay + d) * DAY);
  const columns = fields.map((_, f) => timestamps.map((_, d) => (index + 1) * 1000 + f * 0.001 + (firstDay + d) / 7));
  return frame(symbol, fields, timestamps, columns);
}

export async function expectCode(work: Promise<unknown> | (() => unknown), code: FlorinErrorCode, message?: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(FlorinError);
  expect((caught as FlorinError).code, (caught as Error).message).toBe(code);
  if (message) expect((caught as Error).message).toMatch(message);
}

function expectFramesBitEqual(actual: readonly SeriesFrame[], expected: readonly SeriesFrame[]): void {
  expect(actual.map((f) => f.symbol)).toEqual(expected.map((f) => f.symbol));
  actual.forEach((a, i) => {
    const e = expected[i]!;
    if (!framesBitEqual(a, e)) {
      expect({ symbol: a.symbol, fields: a.fields, ts: [...a.timestamps], columns: a.columns.map((c) => [...c]) }).toEqual({
        symbol: e.symbol,
        fields: e.fields,
        ts: [...e.timestamps],
        columns: e.columns.map((c) => [...c]),
      });
      // Same numbers but different bits (e.g. -0 vs 0 or a NaN payload).
      expect(framesBitEqual(a, e), `frame ${a.symbol} differs in its bits`).toBe(true);
    }
  });
}

/** Registers the Store contract suite for one backend. */
export function registerStoreContract(backend: string, factory: StoreFactory): void {
  describe(`Store contract: ${backend}`, () => {
    const opened: Store[] = [];
    let counter = 0;
    const uniqueName = (base: string): string => `${base}_${process.pid}_${++counter}`;

    async function openStore(): Promise<Store> {
      const store = factory();
      opened.push(store);
      await store.open();
      return store;
    }

    async function withDataset(fields: readonly string[] = ['open', 'close', 'volume']): Promise<{ store: Store; info: DatasetInfo }> {
      const store = await openStore();
      const info: DatasetInfo = { name: uniqueName('bars'), fields, frequency: '1d' };
      expect(await store.createDataset(info)).toBe(true);
      return { store, info };
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    it('moves through created -> open -> closed; open and close are idempotent', async () => {
      const store = factory();
      opened.push(store);
      expect(store.state).toBe('created');
      expect(store.kind).toBe(backend);
      await expectCode(store.listDatasets(), 'FAILED_PRECONDITION', /not open/);
      await Promise.all([store.open(), store.open()]);
      await store.open();
      expect(store.state).toBe('open');
      await Promise.all([store.close(), store.close()]);
      await store.close();
      expect(store.state).toBe('closed');
      await expectCode(store.listDatasets(), 'FAILED_PRECONDITION', /closed/);
      await expectCode(store.open(), 'FAILED_PRECONDITION', /closed/);
    });

    it('creates, gets and lists datasets; identical create is a no-op; a conflicting one is ALREADY_EXISTS', async () => {
      const store = await openStore();
      const a: DatasetInfo = { name: uniqueName('alpha'), fields: ['close', 'open'], frequency: '1d' };
      const b: DatasetInfo = { name: uniqueName('beta'), fields: ['price'], frequency: '5m' };
      expect(await store.createDataset(a)).toBe(true);
      expect(await store.createDataset(b)).toBe(true);
      expect(await store.createDataset({ ...a, fields: [...a.fields] })).toBe(false);
      await expectCode(store.createDataset({ ...a, fields: ['close'] }), 'ALREADY_EXISTS', /already exists/);
      await expectCode(store.createDataset({ ...a, fields: ['open', 'close'] }), 'ALREADY_EXISTS');
      await expectCode(store.createDataset({ ...a, frequency: '1h' }), 'ALREADY_EXISTS', /frequency/);
      await expectCode(store.createDataset({ name: 'Bad-Name', fields: ['x'], frequency: '1d' }), 'INVALID_ARGUMENT');
      await expectCode(store.createDataset({ name: uniqueName('c'), fields: ['ts'], frequency: '1d' }), 'INVALID_ARGUMENT');
      await expectCode(store.createDataset({ name: uniqueName('c'), fields: ['x'], frequency: 'daily' }), 'INVALID_ARGUMENT');

      expect(await store.getDataset(a.name)).toEqual(a);
      expect(await store.getDataset(uniqueName('missing'))).toBeUndefined();
      const listed = await store.listDatasets();
      const mine = listed.filter((d) => d.name === a.name || d.name === b.name);
      expect(mine).toEqual([a, b].sort((x, y) => (x.name < y.name ? -1 : 1)));
      const names = listed.map((d) => d.name);
      expect(names).toEqual([...names].sort());
    });

    it('reads a subset of symbols, fields and range with exact values, in request order', async () => {
      const { store, info } = await withDataset(['open', 'close', 'volume']);
      const n = AWKWARD_VALUES.length;
      const ts = Array.from({ length: n }, (_, i) => T0 + i * DAY);
      const values = (shift: number): number[] => AWKWARD_VALUES.map((_, i) => AWKWARD_VALUES[(i + shift) % n]!);
      const frames = ['AAA', 'BB.B', 'C-1', 'D/E'].map((s, k) => frame(s, info.fields, ts, [values(k), values(k + 1), values(k + 2)]));
      expect(await store.write(info.name, frames)).toBe(4 * n);

      const got = await store.read({ dataset: info.name, symbols: ['D/E', 'ZZZ', 'AAA'], fields: ['volume', 'open'], range: { start: ts[2]!, end: ts[9]! } });
      const expected = (s: string, k: number): SeriesFrame =>
        frame(s, ['volume', 'open'], ts.slice(2, 9), [values(k + 2).slice(2, 9), values(k).slice(2, 9)]);
      expectFramesBitEqual(got, [expected('D/E', 3), expected('AAA', 0)]);

      const all = await store.read({ dataset: info.name, symbols: ['C-1', 'BB.B'], fields: [], range: { start: 0, end: T0 + 365 * DAY } });
      expectFramesBitEqual(all, [frames[2]!, frames[1]!]);
    });

    it('treats ranges as half-open [start, end)', async () => {
      const { store, info } = await withDataset(['close']);
      const ts = [T0, T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY];
      await store.write(info.name, [frame('X', ['close'], ts, [[1, 2, 3, 4]])]);
      const read = async (start: number, end: number): Promise<number[]> => {
        const frames = await store.read({ dataset: info.name, symbols: ['X'], fields: ['close'], range: { start, end } });
        return frames.length === 0 ? [] : [...frames[0]!.timestamps];
      };
      expect(await read(ts[1]!, ts[3]!)).toEqual([ts[1], ts[2]]);
      expect(await read(ts[1]! - 1, ts[1]! + 1)).toEqual([ts[1]]);
      expect(await read(ts[0]! - DAY, ts[0]!)).toEqual([]);
      expect(await read(ts[3]!, ts[3]! + 1)).toEqual([ts[3]]);
      expect(await read(ts[3]! + 1, ts[3]! + DAY)).toEqual([]);
      expect(await read(ts[2]!, ts[2]!)).toEqual([]);
      expect(await store.read({ dataset: info.name, symbols: [], fields: [], range: { start: 0, end: ts[3]! } })).toEqual([]);
      await expectCode(store.read({ dataset: info.name, symbols: ['X'], fields: [], range: { start: 0.5, end: 10 } }), 'INVALID_ARGUMENT');
      await expectCode(store.read({ dataset: info.name, symbols: ['X'], fields: [], range: { start: 0, end: Infinity } }), 'INVALID_ARGUMENT');
    });

    it('upserts: writing the same rows twice changes nothing', async () => {
      const { store, info } = await withDataset();
      const frames = [sampleFrame('AAA', 0, info.fields, 30), sampleFrame('BBB', 1, info.fields, 20)];
      expect(await store.write(info.name, frames)).toBe(50);
      const first = await store.read({ dataset: info.name, symbols: ['AAA', 'BBB'], fields: [], range: { start: 0, end: T0 + 100 * DAY } });
      expect(await store.write(info.name, frames)).toBe(50);
      expect(await store.countRows(info.name)).toBe(50);
      const second = await store.read({ dataset: info.name, symbols: ['AAA', 'BBB'], fields: [], range: { start: 0, end: T0 + 100 * DAY } });
      expectFramesBitEqual(second, first);
      expectFramesBitEqual(second, frames);
    });

    it('upserts: changed values overwrite, new timestamps append', async () => {
      const { store, info } = await withDataset(['close', 'volume']);
      await store.write(info.name, [frame('AAA', ['close', 'volume'], [T0, T0 + DAY, T0 + 2 * DAY], [[1, 2, 3], [10, 20, 30]])]);
      // Fields in another order than the dataset's; one row changed, one new.
      await store.write(info.name, [frame('AAA', ['volume', 'close'], [T0 + DAY, T0 + 3 * DAY], [[-0, 40], [2.5, 4]])]);
      expect(await store.countRows(info.name)).toBe(4);
      const got = await store.read({ dataset: info.name, symbols: ['AAA'], fields: ['close', 'volume'], range: { start: T0, end: T0 + 10 * DAY } });
      expectFramesBitEqual(got, [frame('AAA', ['close', 'volume'], [T0, T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY], [[1, 2.5, 3, 4], [10, -0, 30, 40]])]);
    });

    it('returns timestamps ascending whatever order the rows were written in', async () => {
      const { store, info } = await withDataset(['close']);
      const days = (from: number, count: number, step: number): number[] => Array.from({ length: count }, (_, i) => T0 + (from + i * step) * DAY);
      // Recent days first, then older ones, then the gaps in between, in several writes.
      const writes = [days(100, 50, 2), days(0, 50, 2), days(1, 100, 2), days(300, 3, 1)];
      for (const ts of writes) {
        await store.write(info.name, [frame('Y', ['close'], ts, [ts.map((t) => (t - T0) / DAY)]), frame('Z', ['close'], ts, [ts.map(() => 1)])]);
      }
      const expected = writes.flat().sort((a, b) => a - b);
      const [y] = await store.read({ dataset: info.name, symbols: ['Y'], fields: [], range: { start: 0, end: T0 + 1000 * DAY } });
      expectFramesBitEqual([y!], [frame('Y', ['close'], expected, [expected.map((t) => (t - T0) / DAY)])]);
    });

    it('merges frames of one symbol in a write; the later frame wins a shared timestamp', async () => {
      const { store, info } = await withDataset(['close']);
      const n = await store.write(info.name, [frame('M', ['close'], [T0 + DAY, T0 + 2 * DAY], [[1, 2]]), frame('M', ['close'], [T0, T0 + 2 * DAY], [[0, 9]])]);
      expect(n).toBe(3);
      const got = await store.read({ dataset: info.name, symbols: ['M'], fields: [], range: { start: T0, end: T0 + 5 * DAY } });
      expectFramesBitEqual(got, [frame('M', ['close'], [T0, T0 + DAY, T0 + 2 * DAY], [[0, 1, 9]])]);
    });

    it('writes all or nothing: one bad frame rejects the whole batch', async () => {
      const { store, info } = await withDataset(['open', 'close']);
      const good = sampleFrame('GOOD', 0, info.fields, 5);
      const cases: [SeriesFrame, FlorinErrorCode, RegExp][] = [
        [frame('BAD', ['open'], [T0], [[1]]), 'INVALID_ARGUMENT', /lacks field\(s\) close/],
        [frame('BAD', ['open', 'close'], [T0, T0 + DAY], [[1, 2], [1]]), 'INVALID_ARGUMENT', /has 1 values but there are 2 timestamps/],
        [frame('BAD', ['open', 'close'], [T0, Number.NaN], [[1, 2], [1, 2]]), 'INVALID_ARGUMENT', /finite integer epoch/],
        [frame('BAD', ['open', 'close'], [T0, Number.POSITIVE_INFINITY], [[1, 2], [1, 2]]), 'INVALID_ARGUMENT', /finite integer epoch/],
        [frame('BAD', ['open', 'close'], [T0 + 0.5], [[1], [2]]), 'INVALID_ARGUMENT', /integer epoch/],
        [frame('BAD', ['open', 'close'], [T0 + DAY, T0], [[1, 2], [1, 2]]), 'INVALID_ARGUMENT', /strictly increasing/],
        [frame('BAD', ['open', 'close'], [T0, T0], [[1, 2], [1, 2]]), 'INVALID_ARGUMENT', /strictly increasing/],
        [frame('bad symbol!', ['open', 'close'], [T0], [[1], [2]]), 'INVALID_ARGUMENT', /malformed symbol/],
        [frame('BAD', ['open', 'close', 'vwap'], [T0], [[1], [2], [3]]), 'NOT_FOUND', /unknown field "vwap"/],
        [frame('BAD', ['open', 'open'], [T0], [[1], [2]]), 'INVALID_ARGUMENT', /twice/],
        [{ symbol: 'BAD', fields: ['open', 'close'], timestamps: Float64Array.of(T0), columns: [Float64Array.of(1)] }, 'INVALID_ARGUMENT', /2 fields but carries 1 columns/],
      ];
      for (const [bad, code, message] of cases) {
        await expectCode(store.write(info.name, [good, bad]), code, message);
      }
      expect(await store.countRows(info.name)).toBe(0);
      expect(await store.symbols(info.name)).toEqual([]);
      expect(await store.write(info.name, [])).toBe(0);
      expect(await store.write(info.name, [frame('EMPTY', info.fields, [], [[], []])])).toBe(0);
      expect(await store.write(info.name, [good])).toBe(5);
    });

    it('answers NOT_FOUND for an unknown dataset or field', async () => {
      const { store, info } = await withDataset(['close']);
      const missing = uniqueName('nope');
      const range = { start: 0, end: T0 };
      await expectCode(store.read({ dataset: missing, symbols: ['A'], fields: [], range }), 'NOT_FOUND', /unknown dataset/);
      await expectCode(store.read({ dataset: info.name, symbols: ['A'], fields: ['close', 'vwap'], range }), 'NOT_FOUND', /unknown field "vwap"/);
      await expectCode(store.write(missing, [frame('A', ['close'], [T0], [[1]])]), 'NOT_FOUND', /unknown dataset/);
      await expectCode(store.symbols(missing), 'NOT_FOUND');
      await expectCode(store.countRows(missing), 'NOT_FOUND');
      await expectCode(store.read({ dataset: info.name, symbols: ['A'], fields: ['close', 'close'], range }), 'INVALID_ARGUMENT', /twice/);
    });

    it('lists distinct symbols sorted and counts rows', async () => {
      const { store, info } = await withDataset(['close']);
      expect(await store.symbols(info.name)).toEqual([]);
      expect(await store.countRows(info.name)).toBe(0);
      const symbols = ['b', 'A', 'a', 'B2', 'B10', 'Z', '0X'];
      await store.write(info.name, symbols.map((s, i) => sampleFrame(s, i, ['close'], i + 1)));
      expect(await store.symbols(info.name)).toEqual([...symbols].sort());
      expect(await store.countRows(info.name)).toBe((symbols.length * (symbols.length + 1)) / 2);
    });

    it('keeps listing symbols right while writes add symbols, between and during listings', async () => {
      const { store, info } = await withDataset(['close']);
      expect(await store.symbols(info.name)).toEqual([]);
      await store.write(info.name, [sampleFrame('M', 0, ['close'], 3), sampleFrame('C', 1, ['close'], 3)]);
      expect(await store.symbols(info.name)).toEqual(['C', 'M']);
      // Rewriting known symbols adds nothing; new ones land in byte order ('B10' before 'B2', '0X' first).
      await store.write(info.name, [sampleFrame('M', 0, ['close'], 3), sampleFrame('B2', 2, ['close'], 2), sampleFrame('B10', 3, ['close'], 2)]);
      expect(await store.symbols(info.name)).toEqual(['B10', 'B2', 'C', 'M']);
      const more = Array.from({ length: 30 }, (_, i) => `S${i}`);
      const listings = await Promise.all(
        more.flatMap((s, i) => [store.write(info.name, [sampleFrame(s, i, ['close'], 2)]).then(() => undefined), store.symbols(info.name)]),
      );
      const all = ['0X', 'B10', 'B2', 'C', 'M', ...more];
      for (const listing of listings) if (listing) expect(listing.every((s, i) => i === 0 || listing[i - 1]! < s)).toBe(true);
      await store.write(info.name, [sampleFrame('0X', 9, ['close'], 1)]);
      expect(await store.symbols(info.name)).toEqual([...all].sort());
      const listed = await store.symbols(info.name);
      listed.push('NOT-A-SYMBOL');
      expect(await store.symbols(info.name)).toEqual([...all].sort());
    });

    it('keeps concurrent writes and reads consistent', async () => {
      const { store, info } = await withDataset();
      const frames = Array.from({ length: 20 }, (_, i) => sampleFrame(`S${i}`, i, info.fields, 50));
      const range = { start: 0, end: T0 + 1000 * DAY };
      const work: Promise<unknown>[] = frames.map((f) => store.write(info.name, [f]));
      for (let i = 0; i < 10; i++) work.push(store.read({ dataset: info.name, symbols: ['S0', 'S1'], fields: [], range }));
      await Promise.all(work);
      expect(await store.countRows(info.name)).toBe(1000);
      const got = await store.read({ dataset: info.name, symbols: frames.map((f) => f.symbol), fields: [], range });
      expectFramesBitEqual(got, frames);
    });

    it('reads few and many symbols alike: request order, absent ones left out, exact values', async () => {
      // A backend may match a short symbol list and a long one differently (DuckDB: a list test per row up to 8, a join above).
      const { store, info } = await withDataset(['open', 'close']);
      const frames = Array.from({ length: 60 }, (_, s) => sampleFrame(`S${String(s).padStart(2, '0')}`, s, info.fields, 40 + s));
      await store.write(info.name, frames);
      // Present symbols per request; with the two absent names a request asks for 3, 8, 9, 32 and 62 symbols.
      for (const count of [1, 6, 7, 30, 60]) {
        // Every 7th symbol from the end backwards (wrapping; 7 and 60 are coprime, so all distinct): neither sorted nor contiguous.
        const asked = Array.from({ length: count }, (_, i) => frames[(59 - i * 7 + 60 * 7) % 60]!);
        const symbols = ['ABSENT1', ...asked.map((f) => f.symbol), 'ZZ_ABSENT'];
        const got = await store.read({ dataset: info.name, symbols, fields: ['close'], range: { start: T0 + 10 * DAY, end: T0 + 50 * DAY } });
        const expected = asked.map((f) => {
          const rows = f.timestamps.length;
          const from = 10;
          const to = Math.min(50, rows);
          return frame(f.symbol, ['close'], [...f.timestamps.slice(from, to)], [[...f.columns[1]!.slice(from, to)]]);
        });
        expectFramesBitEqual(got, expected);
      }
    });

    it('round-trips many symbols with random bits, including NaN', async () => {
      const { store, info } = await withDataset(['a', 'b', 'c', 'd']);
      let state = 12345;
      const next = (): number => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state;
      };
      const frames = Array.from({ length: 40 }, (_, s) => {
        const days = 100 + (s % 7) * 30;
        const ts = Array.from({ length: days }, (_, d) => T0 - 400 * DAY + d * DAY);
        const cols = info.fields.map(() =>
          ts.map(() => {
            const r = next() % 50;
            if (r === 0) return Number.NaN;
            if (r === 1) return -0;
            return ((next() / 2 ** 32) * 2 - 1) * 10 ** ((next() % 40) - 20);
          }),
        );
        return frame(`SYM${String(s).padStart(3, '0')}`, info.fields, ts, cols);
      });
      const total = frames.reduce((n, f) => n + f.timestamps.length, 0);
      expect(await store.write(info.name, frames)).toBe(total);
      expect(await store.countRows(info.name)).toBe(total);
      const got = await store.read({ dataset: info.name, symbols: frames.map((f) => f.symbol), fields: info.fields, range: { start: T0 - 1000 * DAY, end: T0 } });
      expectFramesBitEqual(got, frames);
    });

    it('writeChecked says for which symbols the asked range then holds exactly the written rows, and writes as write does', async () => {
      const { store, info } = await withDataset();
      const writeChecked = store.writeChecked!.bind(store);
      const range = { start: T0 - 100 * DAY, end: T0 + 100 * DAY };
      const covered = async (frames: SeriesFrame[], cover = range): Promise<string[]> => {
        const written = await writeChecked(info.name, frames, cover);
        expect(written.rows).toBe(frames.reduce((n, f) => n + f.timestamps.length, 0));
        return [...written.covered].sort();
      };
      // New rows, and the same keys again with other values (a rerun): covered.
      expect(await covered([sampleFrame('AAA', 1, info.fields, 10), sampleFrame('DDD', 1, info.fields, 4)])).toEqual(['AAA', 'DDD']);
      expect(await covered([sampleFrame('AAA', 2, info.fields, 10)])).toEqual(['AAA']);
      // New keys beside stored ones inside the range: not covered. The check is the batch's: a stored row of
      // any of its symbols in the range outside the written span leaves every symbol of it uncovered.
      expect(await covered([sampleFrame('AAA', 3, info.fields, 5, 50), sampleFrame('EEE', 3, info.fields, 5, 50)])).toEqual([]);
      expect(await covered([sampleFrame('FFF', 3, info.fields, 5, 50), sampleFrame('GGG', 3, info.fields, 5, 40)])).toEqual(['FFF', 'GGG']);
      // Stored rows inside the written span that the write does not name: not covered.
      await store.write(info.name, [sampleFrame('HHH', 3, info.fields, 1, 2)]);
      expect(await covered([frame('HHH', info.fields, [T0, T0 + 4 * DAY], info.fields.map(() => [1, 2]))])).toEqual([]);
      // A stored row outside the written span but inside the range: not covered; a range without it: covered.
      await store.write(info.name, [sampleFrame('BBB', 3, info.fields, 1, -90)]);
      expect(await covered([sampleFrame('BBB', 4, info.fields, 5)])).toEqual([]);
      expect(await covered([sampleFrame('BBB', 5, info.fields, 5)], { start: T0 - 10 * DAY, end: T0 + 10 * DAY })).toEqual(['BBB']);
      // Any range, however wide.
      expect(await covered([sampleFrame('CCC', 6, info.fields, 3)], { start: -(2 ** 63), end: 2 ** 63 })).toEqual(['CCC']);
      const got = await store.read({ dataset: info.name, symbols: ['AAA', 'CCC'], fields: info.fields, range: { start: -(2 ** 52), end: 2 ** 52 } });
      expect(got.map((f) => f.timestamps.length)).toEqual([15, 3]);
      // The rerun's values won.
      expect(Array.from(got[0]!.columns[0]!.subarray(0, 10))).toEqual(Array.from(sampleFrame('AAA', 2, info.fields, 10).columns[0]!));
    });
  });
}
