import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata } from '@grpc/grpc-js';
import { framesBitEqual, type SeriesFrame } from '@florin/core';
import type { SeriesQuery } from '@florin/client';
import { DAY_MS, OHLCV, marketFrame, seed, startHeadCluster, until, utc, type HeadCluster } from '@florin/test-support';

const info = { name: 'bars', fields: [...OHLCV], frequency: '1d' };
const SYMBOLS = ['AAPL', 'AMZN', 'GOOG', 'META', 'MSFT', 'NVDA'];
const ANSWER_BYTES = 100_000;
const CHUNK_BYTES = 32 * 1024;

describe('HeadService answer budget: serialized answers queued for callers stay under maxAnswerBytes', () => {
  let cluster: HeadCluster;
  const query = (i: number): SeriesQuery => ({
    dataset: info.name,
    symbols: SYMBOLS.slice(i % 3, 3 + (i % 4)),
    fields: i % 2 === 0 ? ['close'] : [...OHLCV],
    range: { start: utc(2011 + (i % 3)), end: utc(2022) },
  });

  beforeAll(async () => {
    cluster = await startHeadCluster({ shardCount: 2, head: { maxAnswerBytes: ANSWER_BYTES, limits: { chunkBytes: CHUNK_BYTES } } });
    await seed(cluster, info, SYMBOLS.map((s, i) => marketFrame(s, info.fields, utc(2010), utc(2022), DAY_MS, 11 + i)));
  });
  afterAll(() => cluster?.close());

  it('many reads at once: every answer bit-exact, the budget used but never above its bound, and all of it back afterwards', async () => {
    const budget = cluster.head.node.answerBudget;
    expect(budget.capacity).toBe(ANSWER_BYTES);
    let most = 0;
    let watching = true;
    const watch = (): void => {
      most = Math.max(most, budget.used);
      if (watching) setImmediate(watch);
    };
    watch();
    const queries = Array.from({ length: 24 }, (_, i) => query(i));
    let got: SeriesFrame[][];
    try {
      got = await Promise.all(queries.map((q) => cluster.read(q)));
    } finally {
      watching = false;
    }
    for (const [i, q] of queries.entries()) {
      const want = await cluster.direct(q);
      expect(got[i]!).toHaveLength(want.length);
      got[i]!.forEach((f, k) => expect(framesBitEqual(f, want[k]!), `read ${i}, ${f.symbol}`).toBe(true));
    }
    // 24 answers of 100-800 KB went through a 100 KB budget, in messages of about 32 KB.
    expect(most).toBeGreaterThan(CHUNK_BYTES / 2);
    expect(most).toBeLessThanOrEqual(ANSWER_BYTES);
    await until(() => budget.used === 0, 5_000, 'the budget to be given back');
    expect(budget.waiting).toBe(0);
  });

  it('a caller that cancels in the middle of its answer gives its bytes back, and the next read is exact', async () => {
    const budget = cluster.head.node.answerBudget;
    const q: SeriesQuery = { dataset: info.name, symbols: SYMBOLS, fields: [...OHLCV], range: { start: utc(2010), end: utc(2022) } };
    await cluster.read(q); // cached
    const call = cluster.client.Read(
      { dataset: q.dataset, symbols: [...q.symbols], fields: [...q.fields!], startMs: q.range.start, endMs: q.range.end },
      new Metadata(),
      { deadline: Date.now() + 30_000 },
    );
    const ended = new Promise<string>((resolve) => {
      call.on('error', (err: { code?: number }) => resolve(`error ${err.code}`));
      call.on('end', () => resolve('end'));
    });
    await new Promise<void>((resolve) => call.once('data', () => resolve()));
    call.cancel();
    expect(await ended).toBe('error 1'); // CANCELLED
    await until(() => budget.used === 0 && budget.waiting === 0, 5_000, 'the cancelled answer to give its bytes back');

    const [again, want] = [await cluster.read(q), await cluster.direct(q)];
    again.forEach((f, k) => expect(framesBitEqual(f, want[k]!)).toBe(true));
    await until(() => budget.used === 0, 5_000, 'the budget to be given back');
  });
});
