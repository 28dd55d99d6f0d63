import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framesBitEqual } from '@florin/core';
import type { SeriesQuery } from '@florin/client';
import { DAY_MS, OHLCV, marketFrame, seed, startHeadCluster, utc, type HeadCluster } from '@florin/test-support';

const info = { name: 'bars', fields: [...OHLCV], frequency: '1d' };

describe('HeadService when a shard fails', () => {
  let cluster: HeadCluster;
  const query: SeriesQuery = { dataset: info.name, symbols: ['AMZN', 'IBM'], range: { start: utc(2012), end: utc(2016) } };

  beforeAll(async () => {
    cluster = await startHeadCluster({
      shardCount: 1,
      head: { retry: { maxAttempts: 100, initialBackoffMs: 20, maxBackoffMs: 250 } },
    });
    await seed(cluster, info, [
      marketFrame('AMZN', info.fields, utc(2010), utc(2020), DAY_MS, 1),
      marketFrame('IBM', info.fields, utc(2010), utc(2020), DAY_MS, 2),
    ]);
    // The catalog is known before the shard goes away.
    await cluster.head.node.listDatasets();
  });
  afterAll(() => cluster?.close());

  it('every waiter gets UNAVAILABLE, nothing is cached, and the next read retries and succeeds', async () => {
    const node = cluster.head.node;
    node.stats(true);
    await cluster.stopShard(0);

    const waiters = [0, 1, 2, 3].map(() => cluster.read(query, { deadlineMs: 1_500 }));
    for (const w of waiters) await expect(w).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const failed = node.stats();
    expect(failed.upstreamFailures).toBeGreaterThanOrEqual(1);
    expect(failed.upstreamRetries).toBeGreaterThanOrEqual(1);
    expect(failed.cacheEntries).toBe(0);
    expect(node.inflightFetches()).toEqual([]);

    await cluster.restartShard(0);
    const reads = cluster.upstream.reads.length;
    const got = await cluster.read(query, { deadlineMs: 30_000 });
    const want = await cluster.direct(query);
    got.forEach((f, i) => expect(framesBitEqual(f, want[i]!)).toBe(true));
    expect(got[0]!.timestamps.length).toBeGreaterThan(500);
    // The failure was not cached: the read went upstream again.
    expect(cluster.upstream.reads.length).toBeGreaterThan(reads);
    expect(node.stats().cacheEntries).toBeGreaterThan(0);

    // And now it is cached.
    const after = cluster.upstream.reads.length;
    await cluster.read(query);
    expect(cluster.upstream.reads.length).toBe(after);
  });
});
