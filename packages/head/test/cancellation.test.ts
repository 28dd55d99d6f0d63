import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { framesBitEqual } from '@florin/core';
import type { SeriesQuery } from '@florin/client';
import { DAY_MS, Gate, OHLCV, marketFrame, seed, startHeadCluster, until, utc, type HeadCluster } from '@florin/test-support';

const info = { name: 'bars', fields: [...OHLCV], frequency: '1d' };

describe('HeadService cancellation of shared fetches', () => {
  let cluster: HeadCluster;
  const query: SeriesQuery = { dataset: info.name, symbols: ['AMZN'], fields: ['close', 'open'], range: { start: utc(2012), end: utc(2020) } };

  beforeAll(async () => {
    cluster = await startHeadCluster({ shardCount: 1 });
    await seed(cluster, info, [marketFrame('AMZN', info.fields, utc(2010), utc(2022), DAY_MS, 7)]);
  });
  afterAll(() => cluster?.close());
  beforeEach(() => {
    cluster.head.node.clearCache();
    cluster.upstream.reads.length = 0;
    cluster.upstream.holdBefore = undefined;
  });

  it('a caller that cancels detaches only itself; the other waiter gets exact data', async () => {
    const gate = new Gate();
    cluster.upstream.holdBefore = gate;
    const leaving = new AbortController();
    const a = cluster.read(query, { signal: leaving.signal });
    const b = cluster.read(query);
    const node = cluster.head.node;
    await until(() => node.inflightFetches().length === 1 && node.inflightFetches()[0]!.waiters === 2, 5_000, 'two waiters on one fetch');

    leaving.abort();
    await expect(a).rejects.toMatchObject({ code: 'CANCELLED' });
    await until(() => node.inflightFetches()[0]?.waiters === 1, 5_000, 'the head to see the cancellation');
    expect(cluster.upstream.reads[0]!.aborted).toBe(false);

    gate.open();
    const [got] = await b;
    const [want] = await cluster.direct(query);
    expect(framesBitEqual(got!, want!)).toBe(true);
    expect(got!.timestamps.length).toBeGreaterThan(1000);
    expect(cluster.upstream.reads).toHaveLength(1);
    expect(cluster.upstream.reads[0]!.aborted).toBe(false);
  });

  it('the shared fetch is aborted when every waiter cancels, and the next read starts afresh', async () => {
    const gate = new Gate();
    cluster.upstream.holdBefore = gate;
    const callers = [new AbortController(), new AbortController()];
    const reads = callers.map((c) => cluster.read(query, { signal: c.signal }));
    const node = cluster.head.node;
    await until(() => node.inflightFetches()[0]?.waiters === 2, 5_000, 'two waiters on one fetch');
    const before = cluster.shardReadCalls();

    for (const c of callers) c.abort();
    for (const r of reads) await expect(r).rejects.toMatchObject({ code: 'CANCELLED' });
    await until(() => cluster.upstream.reads[0]!.aborted, 5_000, 'the upstream fetch to be aborted');
    expect(node.inflightFetches()).toEqual([]);
    if (before !== undefined) expect(cluster.shardReadCalls()).toBe(before);
    expect(node.stats().cacheEntries).toBe(0);

    cluster.upstream.holdBefore = undefined;
    const [got] = await cluster.read(query);
    const [want] = await cluster.direct(query);
    expect(framesBitEqual(got!, want!)).toBe(true);
    expect(cluster.upstream.reads).toHaveLength(2);
    expect(cluster.upstream.reads[1]!.aborted).toBe(false);
  });

  it('a caller past its deadline gets DEADLINE_EXCEEDED and leaves the fetch to the others', async () => {
    const gate = new Gate();
    cluster.upstream.holdBefore = gate;
    const node = cluster.head.node;
    const patient = cluster.read(query);
    await until(() => node.inflightFetches()[0]?.waiters === 1, 5_000, 'the first waiter');
    await expect(cluster.read(query, { deadlineMs: 100 })).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    await until(() => node.inflightFetches()[0]?.waiters === 1, 5_000, 'the expired waiter to leave');
    gate.open();
    const [got] = await patient;
    const [want] = await cluster.direct(query);
    expect(framesBitEqual(got!, want!)).toBe(true);
    expect(cluster.upstream.reads).toHaveLength(1);
  });
});
