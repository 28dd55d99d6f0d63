import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlorinError, emptyFrame, shardFor, type SeriesFrame } from '@florin/core';
import type { SeriesQuery } from '@florin/client';
import { generateMarket, type SampleMarket } from '@florin/store';
import { HeadServer } from '@florin/head';
import {
  LoadWorkload,
  assertLoopback,
  isLoopbackAddress,
  loadTestJson,
  runLoadTest,
  universeFromMarket,
  verifyAnswers,
  type LoadTestOptions,
  type LoadUniverse,
} from '@florin/cli';
import { startShardCluster as startCluster, type ShardCluster } from '@florin/test-support';

describe('load test engine against 2 real shards (DuckDB) and 2 real head nodes', () => {
  let cluster: ShardCluster;
  const heads: HeadServer[] = [];
  let headAddresses: string[];
  let market: SampleMarket;
  let universe: LoadUniverse;

  // A market that ends well in the past: chunks newer than now - 10 min (the heads' live
  // edge) are served but never cached, which is measured by bench:head, not here.
  beforeAll(async () => {
    cluster = await startCluster(2);
    market = generateMarket({ symbols: 24, years: 3, end: '2024-12-31', seed: 5 });
    await cluster.router.createDataset(market.dataset);
    await cluster.router.write(market.dataset.name, market.dataset.fields, [...market.frames()]);
    for (let i = 0; i < 2; i++) {
      const head = new HeadServer({ shards: cluster.addresses, nodeId: `head-${i}`, port: 0 });
      heads.push(head);
      await head.start();
    }
    headAddresses = heads.map((h) => h.address!);
    universe = universeFromMarket(market);
  });
  afterAll(async () => {
    await Promise.all(heads.map((h) => h.close(1_000)));
    await cluster?.close();
  });

  /** The same query read straight from each symbol's owning store. */
  async function storeRead(query: SeriesQuery): Promise<SeriesFrame[]> {
    const fields = [...(query.fields ?? market.dataset.fields)];
    return Promise.all(
      [...new Set(query.symbols)].map(async (symbol) => {
        const store = cluster.stores[shardFor(query.dataset, symbol, cluster.stores.length)]!;
        const [frame] = await store.read({ dataset: query.dataset, symbols: [symbol], fields, range: query.range });
        return frame && frame.timestamps.length > 0 ? frame : emptyFrame(symbol, fields);
      }),
    );
  }

  const base = (): LoadTestOptions => ({
    addresses: { heads: headAddresses, shards: cluster.addresses },
    universe,
    clients: 16,
    symbolsPerRequest: 4,
    requests: 300,
    seed: 9,
    sampleEvery: 10,
  });

  /** Each mode's run happens once, in whichever test needs it first, so every test also runs alone and in any order. */
  const once = <T>(run: () => Promise<T>): (() => Promise<T>) => {
    let result: Promise<T> | undefined;
    return () => (result ??= run());
  };
  const runViaHeads = once(() => {
    // Cold caches, whatever ran before (the time-bound test reads through the heads too).
    for (const head of heads) head.node.clearCache();
    return runLoadTest({ ...base(), mode: 'heads' });
  });
  const runNoCoalesce = once(() => runLoadTest({ ...base(), mode: 'no-coalesce' }));
  const runDirect = once(() => runLoadTest({ ...base(), mode: 'direct' }));

  it('through the heads: every sampled answer is bit-exact and amplification is at most 1.1', async () => {
    const viaHeads = await runViaHeads();
    expect(viaHeads.errors, viaHeads.errorMessages.join('; ')).toBe(0);
    expect(viaHeads.requests).toBe(300);
    expect(viaHeads.sampled.length).toBe(30);
    const verified = await verifyAnswers(viaHeads.sampled, storeRead);
    expect(verified.mismatches).toEqual([]);
    expect(verified.checked).toBe(30);
    expect(verified.points).toBeGreaterThan(0);
    expect(viaHeads.cacheBytesAtStart).toBe(0);
    expect(viaHeads.distinctPoints).toBeGreaterThan(0);
    expect(viaHeads.distinctPoints % market.dataset.fields.length).toBe(0);
    expect(viaHeads.amplification).not.toBeNull();
    expect(viaHeads.amplification!).toBeGreaterThanOrEqual(1);
    expect(viaHeads.amplification!).toBeLessThanOrEqual(1.1);
    expect(viaHeads.hitRatio!).toBeGreaterThan(0.5);
    expect(viaHeads.heads!.evictions).toBe(0);
  });

  it('with coalescing off, the same workload fetches every requested point upstream', async () => {
    const [viaHeads, noCoalesce] = [await runViaHeads(), await runNoCoalesce()];
    expect(noCoalesce.errors, noCoalesce.errorMessages.join('; ')).toBe(0);
    expect((await verifyAnswers(noCoalesce.sampled, storeRead)).mismatches).toEqual([]);
    // Same seed, same requests, same answers.
    expect(noCoalesce.pointsServed).toBe(viaHeads.pointsServed);
    expect(noCoalesce.distinctPoints).toBe(viaHeads.distinctPoints);
    expect(noCoalesce.upstreamPoints).toBe(noCoalesce.pointsServed);
    expect(noCoalesce.hitRatio).toBeNull();
    expect(noCoalesce.amplification!).toBeGreaterThan(viaHeads.amplification!);
  });

  it('direct to the shards: amplification is points answered / distinct points', async () => {
    const [viaHeads, noCoalesce, direct] = [await runViaHeads(), await runNoCoalesce(), await runDirect()];
    expect(direct.errors, direct.errorMessages.join('; ')).toBe(0);
    expect((await verifyAnswers(direct.sampled, storeRead)).mismatches).toEqual([]);
    expect(direct.heads).toBeUndefined();
    expect(direct.upstreamPoints).toBe(viaHeads.pointsServed);
    expect(direct.amplification).toBe(noCoalesce.amplification);
  });

  it('the JSON line has every field the issue names', async () => {
    const [viaHeads, noCoalesce, direct] = [await runViaHeads(), await runNoCoalesce(), await runDirect()];
    for (const r of [viaHeads, noCoalesce, direct]) {
      const json = JSON.parse(JSON.stringify(loadTestJson(r))) as Record<string, unknown>;
      for (const key of ['amplification', 'requestsPerSec', 'pointsPerSec', 'hitRatio', 'p50Ms', 'p95Ms', 'p99Ms', 'mode', 'requests', 'errors', 'distinctPoints', 'upstreamPoints']) {
        expect(json, `${r.mode} ${key}`).toHaveProperty(key);
      }
      expect(json.mode).toBe(r.mode);
      expect(json.requestsPerSec as number).toBeGreaterThan(0);
      expect(json.pointsPerSec as number).toBeGreaterThan(0);
      expect(json.p50Ms as number).toBeLessThanOrEqual(json.p95Ms as number);
      expect(json.p95Ms as number).toBeLessThanOrEqual(json.p99Ms as number);
    }
    expect(loadTestJson(viaHeads).hitRatio).toBeTypeOf('number');
  });

  it('stops by itself on a time bound', async () => {
    const r = await runLoadTest({ ...base(), mode: 'heads', requests: undefined, seconds: 0.3, sampleEvery: undefined });
    expect(r.errors).toBe(0);
    expect(r.requests).toBeGreaterThan(0);
    expect(r.elapsedMs).toBeLessThan(10_000);
  });

  it('refuses any address that is not on loopback, before connecting', async () => {
    for (const address of ['10.1.2.3:7001', 'example.com:7001', '[2001:db8::1]:7001', '0.0.0.0:7001', '127.0.0.1']) {
      const err = await runLoadTest({ ...base(), addresses: { heads: [headAddresses[0]!, address] } }).catch((e: unknown) => e);
      expect(err, address).toBeInstanceOf(FlorinError);
      expect((err as FlorinError).code).toBe('INVALID_ARGUMENT');
      expect((err as FlorinError).message).toMatch(address === '127.0.0.1' ? /not host:port/ : /loopback only/);
    }
    const err = await runLoadTest({ ...base(), mode: 'direct', addresses: { shards: ['192.168.0.10:7001'] } }).catch((e: unknown) => e);
    expect((err as FlorinError).code).toBe('INVALID_ARGUMENT');
    for (const ok of ['127.0.0.1:1', '127.200.3.4:65535', 'localhost:7001', '[::1]:7001']) expect(isLoopbackAddress(ok), ok).toBe(true);
    expect(() => assertLoopback(['127.0.0.1:1', 'localhost:2'], 'test')).not.toThrow();
  });

  it('the workload is a pure function of the seed and request index', () => {
    const shape = { symbolsPerRequest: 4, minWindowBars: 20, seed: 3 };
    const a = new LoadWorkload(universe, shape);
    const b = new LoadWorkload(universe, shape);
    const other = new LoadWorkload(universe, { ...shape, seed: 4 });
    for (const i of [0, 1, 17, 999]) {
      const q = a.query(i);
      expect(q).toEqual(b.query(i));
      expect(new Set(q.symbols).size).toBe(4);
      expect(q.range.start).toBeGreaterThanOrEqual(universe.range.start);
      expect(q.range.end).toBeLessThanOrEqual(universe.range.end);
      expect(q.range.end - q.range.start).toBeGreaterThanOrEqual(20 * universe.barMs);
    }
    expect([0, 1, 2].map((i) => other.query(i))).not.toEqual([0, 1, 2].map((i) => a.query(i)));
  });
});
