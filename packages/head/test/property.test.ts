import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { framesBitEqual, lowerBound, type SeriesFrame } from '@florin/core';
import type { SeriesQuery } from '@florin/client';
import { DAY_MS, OHLCV, marketFrame, openHead, seed, startHeadCluster, utc, type HeadCluster } from '@florin/test-support';

const info = { name: 'prop', fields: [...OHLCV], frequency: '1d' };
const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'ZZZ'];
/** Small chunks (30 daily bars) so random ranges cross many chunk boundaries. */
const CHUNK_BARS = 30;
const SPAN = CHUNK_BARS * DAY_MS;
const FIRST_DAY = utc(1999) / DAY_MS;
const DAYS = 12 * 365;

interface Req {
  symbols: string[];
  fields: string[];
  startDay: number;
  days: number;
}

const reqArb: fc.Arbitrary<Req> = fc.record({
  symbols: fc.subarray(SYMBOLS, { minLength: 1, maxLength: 3 }),
  fields: fc.subarray(info.fields, { maxLength: 5 }),
  startDay: fc.integer({ min: 0, max: DAYS - 1 }),
  days: fc.integer({ min: 1, max: 2 * 365 }),
});

/** A batch of concurrent reads, then (maybe) an eviction before the next batch. */
const batchArb = fc.record({
  reads: fc.array(reqArb, { minLength: 1, maxLength: 8 }),
  evict: fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.constant({ kind: 'clear' as const }),
    fc.record({ kind: fc.constant('symbol' as const), symbol: fc.constantFrom(...SYMBOLS), startDay: fc.integer({ min: 0, max: DAYS }), days: fc.integer({ min: 1, max: 400 }) }),
  ),
});

function toQuery(r: Req): SeriesQuery {
  const start = (FIRST_DAY + r.startDay) * DAY_MS;
  return { dataset: info.name, symbols: r.symbols, fields: r.fields, range: { start, end: start + r.days * DAY_MS } };
}

/**
 * Twenty-five runs of up to 32 reads through a fresh head each: the work is fixed, its wall time is not
 * (seconds on a quiet machine, minutes on a loaded one). Nothing here is timed, so the bound is only a
 * backstop against a hang.
 */
const PROPERTY_TIMEOUT_MS = 600_000;

describe('HeadService aggregation, property-based (fast-check)', () => {
  let cluster: HeadCluster;
  const data = new Map<string, SeriesFrame>();

  beforeAll(async () => {
    cluster = await startHeadCluster({ shardCount: 2 });
    // Five symbols with data over 2000-2010 (one with a gap), one symbol without rows.
    const frames = SYMBOLS.slice(0, 5).map((s, i) => marketFrame(s, info.fields, utc(2000 + i % 2), utc(2010 - (i % 3)), DAY_MS, 500 + i));
    const gappy = frames[2]!;
    const keep = Array.from(gappy.timestamps, (t, i) => (t < utc(2004) || t >= utc(2005, 6) ? i : -1)).filter((i) => i >= 0);
    frames[2] = { ...gappy, timestamps: Float64Array.from(keep, (i) => gappy.timestamps[i]!), columns: gappy.columns.map((c) => Float64Array.from(keep, (i) => c[i]!)) };
    for (const f of frames) data.set(f.symbol, f);
    await seed(cluster, info, frames);
  });
  afterAll(() => cluster?.close());

  /** Rows x fields in the chunks a set of reads touches, per symbol and field asked: the most the head should fetch. */
  function touchedPoints(reads: readonly Req[]): number {
    const chunks = new Map<string, Set<number>>();
    for (const r of reads) {
      const { range } = toQuery(r);
      const fields = r.fields.length > 0 ? r.fields : info.fields;
      for (const s of r.symbols) {
        for (const f of fields) {
          let set = chunks.get(`${s}\u0000${f}`);
          if (!set) chunks.set(`${s}\u0000${f}`, (set = new Set()));
          for (let c = Math.floor(range.start / SPAN); c < Math.ceil(range.end / SPAN); c++) set.add(c);
        }
      }
    }
    let points = 0;
    for (const [key, set] of chunks) {
      const ts = data.get(key.split('\u0000')[0]!)?.timestamps;
      if (!ts) continue;
      for (const c of set) points += lowerBound(ts, (c + 1) * SPAN) - lowerBound(ts, c * SPAN);
    }
    return points;
  }

  async function runBatches(
    read: (q: SeriesQuery) => Promise<SeriesFrame[]>,
    batches: readonly { reads: Req[] }[],
    between: (i: number) => void,
  ): Promise<void> {
    for (let i = 0; i < batches.length; i++) {
      const queries = batches[i]!.reads.map(toQuery);
      const answers = await Promise.all(queries.map((q) => read(q)));
      for (let j = 0; j < queries.length; j++) {
        const expected = await cluster.direct(queries[j]!);
        const got = answers[j]!;
        expect(got.map((f) => f.symbol)).toEqual(expected.map((f) => f.symbol));
        got.forEach((f, k) => expect(framesBitEqual(f, expected[k]!), `${f.symbol} in ${JSON.stringify(batches[i]!.reads[j])}`).toBe(true));
      }
      between(i);
    }
  }

  it('with a roomy cache: every answer is bit-exact and each touched chunk is fetched at most once', { timeout: PROPERTY_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 4 }), async (batches) => {
        const h = await openHead(cluster, { chunkBars: { '1d': CHUNK_BARS }, lingerMs: 1 });
        try {
          cluster.upstream.reads.length = 0;
          await runBatches(h.read, batches, () => undefined);
          const stats = h.head.node.stats();
          expect(stats.upstreamPoints).toBeLessThanOrEqual(touchedPoints(batches.flatMap((b) => b.reads)));
          // No chunk of a field of a symbol was asked for twice.
          const seen = new Map<string, { start: number; end: number }[]>();
          for (const r of cluster.upstream.reads) {
            for (const s of r.symbols) {
              for (const f of r.fields) {
                const list = seen.get(`${s}/${f}`) ?? [];
                for (const other of list) expect(r.range.end <= other.start || r.range.start >= other.end).toBe(true);
                list.push(r.range);
                seen.set(`${s}/${f}`, list);
              }
            }
          }
        } finally {
          await h.close();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('with a tiny cache, random evictions and a one-fetch-at-a-time in-flight budget: every answer is still bit-exact', { timeout: PROPERTY_TIMEOUT_MS }, async () => {
    const maxBytes = 20_000;
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 4 }), async (batches) => {
        const h = await openHead(cluster, { chunkBars: { '1d': CHUNK_BARS }, cacheMaxBytes: maxBytes, maxInflightBytes: 1, lingerMs: 0 });
        try {
          await runBatches(h.read, batches, (i) => {
            const node = h.head.node;
            const stats = node.stats();
            expect(stats.cacheBytes).toBeLessThanOrEqual(maxBytes);
            expect(stats.inflightBytes).toBe(0);
            const e = batches[i]!.evict;
            if (e.kind === 'clear') node.clearCache();
            if (e.kind === 'symbol') {
              const start = (FIRST_DAY + e.startDay) * DAY_MS;
              node.evict(info.name, e.symbol, { start, end: start + e.days * DAY_MS });
            }
          });
        } finally {
          await h.close();
        }
      }),
      { numRuns: 25 },
    );
  });
});
