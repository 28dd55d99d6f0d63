import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, fromServiceError, resolveLimits, type DatasetInfo } from '@florin/core';
import { HeadServer, type HeadStatsSnapshot } from '@florin/head';
import { DAY_MS, OHLCV, marketFrame, openHead, seed, startHeadCluster, utc, type HeadCluster, type HeadStub } from '@florin/test-support';

const info = { name: 'daily', fields: [...OHLCV], frequency: '1d' };

function unary<T>(call: (cb: (err: unknown, res?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => call((err, res) => (err ? reject(fromServiceError(err)) : resolve(res!))));
}

describe('HeadService surface: stats, describe, catalog, lifecycle', () => {
  let cluster: HeadCluster;

  beforeAll(async () => {
    cluster = await startHeadCluster({ shardCount: 2, head: { nodeId: 'head-under-test' } });
    await seed(cluster, info, [marketFrame('AMZN', info.fields, utc(2010), utc(2012), DAY_MS, 1)]);
  });
  afterAll(() => cluster?.close());

  it('GetStats reports counters and gauges, and reset zeroes the counters only', async () => {
    const query = { dataset: 'daily', symbols: ['AMZN'], range: { start: utc(2010), end: utc(2011) } };
    await cluster.read(query);
    await cluster.read(query);
    const client = cluster.client;
    const stats = await unary<HeadStatsSnapshot>((cb) => client.GetStats({ reset: true }, cb));
    expect(stats.nodeId).toBe('head-under-test');
    expect(stats.requests).toBe(2);
    expect(stats.cacheMisses).toBe(1);
    expect(stats.cacheHits).toBe(1);
    expect(stats.upstreamRequests).toBe(1);
    expect(stats.pointsServed).toBeGreaterThan(0);
    expect(stats.upstreamPoints).toBeGreaterThanOrEqual(stats.pointsServed / 2);
    expect(stats.cacheBytes).toBeGreaterThan(0);
    const after = await unary<HeadStatsSnapshot>((cb) => client.GetStats({ reset: false }, cb));
    expect(after.requests).toBe(0);
    expect(after.upstreamRequests).toBe(0);
    expect(after.cacheBytes).toBe(stats.cacheBytes);
    expect(after.cacheEntries).toBe(stats.cacheEntries);
  });

  it('DescribeHead names the node, the shard count and whether it aggregates', async () => {
    const d = await unary<Record<string, unknown>>((cb) => cluster.client.DescribeHead({}, cb));
    expect(d).toEqual({ nodeId: 'head-under-test', shardCount: 2, coalesce: true });
  });

  it('lists and creates datasets through the shards, and reads a dataset created after start', async () => {
    const list = await unary<{ datasets: DatasetInfo[] }>((cb) => cluster.client.ListDatasets({}, cb));
    expect(list.datasets.map((d) => d.name)).toContain('daily');
    const client = cluster.client as unknown as {
      CreateDataset(req: { dataset?: DatasetInfo }, cb: (err: unknown, res?: { dataset: DatasetInfo; created: boolean }) => void): void;
    };
    const fresh = { name: 'signals', fields: ['score'], frequency: '1h' };
    expect(await unary((cb) => client.CreateDataset({ dataset: fresh }, cb))).toEqual({ dataset: fresh, created: true });
    expect(await unary((cb) => client.CreateDataset({ dataset: fresh }, cb))).toEqual({ dataset: fresh, created: false });
    await expect(unary((cb) => client.CreateDataset({ dataset: { ...fresh, frequency: '1d' } }, cb))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(unary((cb) => client.CreateDataset({}, cb))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(unary((cb) => client.CreateDataset({ dataset: { name: 'Bad-Name', fields: ['x'], frequency: '1d' } }, cb))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });

    // A dataset the head has never seen is found by refreshing the catalog on the miss.
    const other = { name: 'late', fields: ['v'], frequency: '1h' };
    await cluster.router.createDataset(other);
    const frame = { ...marketFrame('X1', other.fields, utc(2020), utc(2020, 1, 3), 3_600_000, 5), fields: other.fields };
    await cluster.write('late', [frame]);
    const [got] = await cluster.read({ dataset: 'late', symbols: ['X1'], range: { start: utc(2020), end: utc(2021) } });
    expect(got!.timestamps.length).toBe(frame.timestamps.length);
  });

  it('with coalesce: false every read goes upstream, and DescribeHead says so', async () => {
    const h = await openHead(cluster, { coalesce: false, nodeId: 'plain' });
    try {
      const query = { dataset: 'daily', symbols: ['AMZN'], range: { start: utc(2010), end: utc(2011) } };
      await h.read(query);
      await h.read(query);
      const stats = h.head.node.stats();
      expect(stats.upstreamRequests).toBe(2);
      expect(stats.cacheEntries).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('goes created -> serving -> stopped, close() is idempotent and safe before start()', async () => {
    const head = new HeadServer({ upstream: cluster.upstream });
    expect(head.state).toBe('created');
    const { address } = await head.start();
    expect(await head.start()).toEqual({ address, port: Number(address.split(':')[1]) });
    expect(head.state).toBe('serving');
    const client = createClient<HeadStub>('florin.v1.HeadService', address, resolveLimits());
    const d = await unary<Record<string, unknown>>((cb) => client.DescribeHead({}, cb));
    expect(d.coalesce).toBe(true);
    client.close();
    await Promise.all([head.close(100), head.close(100)]);
    await head.close();
    expect(head.state).toBe('stopped');
    expect(head.node.state).toBe('closed');
    await expect(head.node.read({ dataset: 'daily', symbols: ['AMZN'], fields: [], startMs: 0, endMs: 1 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });

    // A head given shard addresses makes (and on close, closes) its own router.
    const own = new HeadServer({ shards: cluster.shards.map((s) => s.address!) });
    await own.start();
    const result = await own.node.read({ dataset: 'daily', symbols: ['AMZN'], fields: ['close'], startMs: utc(2010), endMs: utc(2011) });
    expect(result.points).toBeGreaterThan(200);
    await own.close();

    const never = new HeadServer({ upstream: cluster.upstream });
    await never.close();
    await never.close();
    expect(never.state).toBe('stopped');
    expect(() => new HeadServer({})).toThrow(/exactly one of upstream or shards/);
  });
});
