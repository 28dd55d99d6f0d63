import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceClientCall } from '@florin/core';
import { HeadClient } from '@florin/client';
import { OtlpReceiver, observeHeadStats, observeShardStats, startTelemetry, type Telemetry } from '@florin/telemetry';
import { DAY_MS, OHLCV, marketFrame, seed, startHeadCluster, until, utc, type HeadCluster } from '@florin/test-support';

const daily = { name: 'daily', fields: [...OHLCV], frequency: '1d' };
const query = { dataset: 'daily', symbols: ['AMZN', 'IBM'], fields: ['close'], range: { start: utc(2010), end: utc(2012) } };

describe('one trace from a client read through the head node to the shard and its store', () => {
  let receiver: OtlpReceiver;
  let telemetry: Telemetry;
  let cluster: HeadCluster;
  let client: HeadClient;

  beforeAll(async () => {
    receiver = new OtlpReceiver();
    await receiver.listen();
    // Telemetry is per process: one provider for the in-process cluster; spans say their role.
    telemetry = startTelemetry({ role: 'cluster', instanceId: 'test', endpoint: receiver.endpoint, enabled: true, metricIntervalMs: 250, env: {} });
    cluster = await startHeadCluster({ shardCount: 2 });
    await seed(cluster, daily, ['AMZN', 'IBM'].map((s, i) => marketFrame(s, daily.fields, utc(2005), utc(2026), DAY_MS, 40 + i)));
    observeHeadStats(telemetry.meter, () => cluster.head.node.stats(), { 'florin.head.id': 'h0' });
    cluster.shards.forEach((shard, i) => observeShardStats(telemetry.meter, () => shard.stats(), { 'florin.shard.id': i }));
    client = new HeadClient(cluster.head.address!);
  });

  afterAll(async () => {
    client?.close();
    await cluster?.close();
    await telemetry?.shutdown();
    await receiver?.close();
  });

  it('client -> head (miss, then hit) -> shard -> store query, and upstream points equal what the shards read', async () => {
    const read = (): Promise<unknown> => traceClientCall('/florin.v1.HeadService/Read', () => client.read(query));
    await read();
    await read();
    await telemetry.flush();

    await until(() => receiver.store.spans({ name: 'florin.v1.HeadService/Read', attributes: { 'rpc.grpc.status_code': 0 } }).length >= 2, 10_000);
    const roots = receiver.store.spans({ attributes: { 'florin.role': 'client' } });
    expect(roots).toHaveLength(2);
    const [first, second] = roots.sort((a, b) => a.startMs - b.startMs);

    const tree = (traceId: string) => receiver.store.spans({ traceId });
    await until(() => tree(first!.traceId).some((s) => s.name === 'store.read'), 10_000);
    const spans = tree(first!.traceId);
    const head = spans.find((s) => s.name === 'florin.v1.HeadService/Read')!;
    expect(head.parentSpanId).toBe(first!.spanId);
    expect(head.attributes['florin.cache.result']).toBe('miss');
    // The miss is fetched upstream in a florin.head.fetch span under the read; the shard reads are its children.
    const fetches = spans.filter((s) => s.name === 'florin.head.fetch');
    expect(fetches.length).toBeGreaterThanOrEqual(1);
    for (const f of fetches) expect(f.parentSpanId).toBe(head.spanId);
    // (The head's catalog lookups, ShardService/ListDatasets, hang off the read itself.)
    const shardSpans = spans.filter((s) => s.name === 'florin.v1.ShardService/Read');
    expect(shardSpans.length).toBeGreaterThanOrEqual(1);
    for (const s of shardSpans) expect(fetches.map((f) => f.spanId)).toContain(s.parentSpanId);
    const storeSpans = spans.filter((s) => s.name === 'store.read');
    expect(storeSpans.length).toBeGreaterThanOrEqual(1);
    for (const s of storeSpans) expect(shardSpans.map((x) => x.spanId)).toContain(s.parentSpanId);

    // The second read is answered from the cache: its head span says hit, and no shard span follows.
    const again = tree(second!.traceId);
    expect(again.find((s) => s.name === 'florin.v1.HeadService/Read')!.attributes['florin.cache.result']).toBe('hit');
    expect(again.filter((s) => s.attributes['florin.role'] === 'shard' || s.name === 'florin.head.fetch')).toHaveLength(0);

    // Metrics: the head's upstream points equal the points the shards read from their stores.
    const shardPoints = cluster.shards.reduce((n, s) => n + s.stats().readPoints, 0);
    expect(shardPoints).toBeGreaterThan(0);
    await until(() => receiver.store.metricPoints('florin.head.upstream.points')[0]?.value === shardPoints, 10_000);
    await until(() => receiver.store.metricPoints('florin.shard.read.points').reduce((n, p) => n + p.value, 0) === shardPoints, 10_000);
    expect(receiver.store.metricPoints('florin.head.cache.hits')[0]!.value).toBe(2);
    expect(receiver.store.metricPoints('florin.head.cache.misses')[0]!.value).toBe(2);
    const durations = receiver.store.metricPoints('rpc.server.duration', { attributes: { 'rpc.service': 'florin.v1.HeadService', 'rpc.method': 'Read' } });
    expect(durations[0]!.count).toBe(2);

    // A write through the head into a new dataset is cached as written, and counted.
    await client.createDataset({ name: 'signal', fields: ['x'], frequency: '1d' });
    expect(await client.write('signal', ['x'], [marketFrame('AMZN', ['x'], utc(2020), utc(2021), DAY_MS, 7)])).toBeGreaterThan(0);
    await until(() => receiver.store.metricPoints('florin.head.writes.cached')[0]?.value === 1, 10_000);
  });
});
