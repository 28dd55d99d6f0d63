import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framesBitEqual, type SeriesFrame } from '@florin/core';
import type { SeriesQuery } from '@florin/client';
import { DAY_MS, OHLCV, marketFrame, seed, startHeadCluster, until, utc, type HeadCluster } from '@florin/test-support';

const info = { name: 'bars', fields: [...OHLCV], frequency: '1d' };
const SYMBOLS = ['AAPL', 'AMZN', 'GOOG', 'META', 'MSFT', 'NVDA'];
const MAX_READS = 2;

describe('HeadService read slots: at most maxReads callers\' reads are served at once, the others wait FIFO', () => {
  let cluster: HeadCluster;
  const query = (i: number): SeriesQuery => ({
    dataset: info.name,
    symbols: SYMBOLS.slice(i % 4, (i % 4) + 1 + (i % 3)),
    fields: i % 2 === 0 ? ['close'] : [...OHLCV],
    range: { start: utc(2010 + (i % 4)), end: utc(2020 + (i % 3)) },
  });

  beforeAll(async () => {
    cluster = await startHeadCluster({ shardCount: 2, head: { maxReads: MAX_READS } });
    await seed(cluster, info, SYMBOLS.map((s, i) => marketFrame(s, info.fields, utc(2010), utc(2023), DAY_MS, 31 + i)));
  });
  afterAll(() => cluster?.close());

  it('40 reads at once, cold then cached: every answer bit-exact, never more than maxReads served, all slots back', async () => {
    const slots = cluster.head.node.readSlots;
    expect(slots.capacity).toBe(MAX_READS);
    let most = 0;
    let queued = 0;
    let watching = true;
    const watch = (): void => {
      most = Math.max(most, slots.used);
      queued = Math.max(queued, slots.waiting);
      if (watching) setImmediate(watch);
    };
    watch();
    const queries = Array.from({ length: 40 }, (_, i) => query(i));
    let got: SeriesFrame[][];
    try {
      got = await Promise.all(queries.map((q) => cluster.read(q)));
      got.push(...(await Promise.all(queries.map((q) => cluster.read(q)))));
    } finally {
      watching = false;
    }
    for (const [i, q] of [...queries, ...queries].entries()) {
      const want = await cluster.direct(q);
      expect(got[i]!).toHaveLength(want.length);
      got[i]!.forEach((f, k) => expect(framesBitEqual(f, want[k]!), `read ${i}, ${f.symbol}`).toBe(true));
    }
    expect(most).toBe(MAX_READS);
    expect(queued).toBeGreaterThan(0);
    await until(() => slots.used === 0, 5_000, 'the slots to be given back');
    expect(slots.waiting).toBe(0);
  });

  it('a read whose deadline passes while every slot is taken fails DEADLINE_EXCEEDED; once a slot frees, reads are answered', async () => {
    const slots = cluster.head.node.readSlots;
    const held = await Promise.all(Array.from({ length: MAX_READS }, () => slots.acquire(1, new AbortController().signal)));
    const q = query(1);
    try {
      const err = await cluster.read(q, { deadlineMs: 300 }).then(
        () => undefined,
        (e: { code?: string; message?: string }) => e,
      );
      expect(err?.code).toBe('DEADLINE_EXCEEDED');
      await until(() => slots.waiting === 0, 5_000, 'the expired read to leave the queue');
      const waiting = cluster.read(q);
      await until(() => slots.waiting === 1, 5_000, 'the next read to wait for a slot');
      held[0]!();
      const [got, want] = [await waiting, await cluster.direct(q)];
      got.forEach((f, k) => expect(framesBitEqual(f, want[k]!)).toBe(true));
    } finally {
      for (const release of held) release();
    }
    await until(() => slots.used === 0 && slots.waiting === 0, 5_000, 'the slots to be given back');
  });
});
