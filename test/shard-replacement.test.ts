import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { framesBitEqual } from '@florin/core';
import { MemberSet, ShardDirectory, StaticDiscovery } from '@florin/discovery';
import { ShardServer } from '@florin/shard';
import { ShardRouter } from '@florin/shard-client';
import { DuckDbStore, generateMarket } from '@florin/store';
import { failure } from '@florin/test-support';

/**
 * A ShardRouter over a live membership (ShardDirectory over discovery) when
 * a partition's only task dies: a read waits for the replacement to register
 * at its new address and then answers, bit-exact; with no replacement it
 * fails UNAVAILABLE once replacementWaitMs (or the call's deadline) has passed.
 */
const SHARDS = 2;
const market = generateMarket({ symbols: 8, years: 2, seed: 3 });
const quiet = (): void => undefined;

describe('ShardRouter: a partition whose task is replaced', () => {
  let dir: string;
  let discovery: StaticDiscovery;
  let directory: ShardDirectory;
  const servers: ShardServer[] = [];
  const stores = new Map<number, DuckDbStore>();

  const startShard = async (shardId: number): Promise<string> => {
    const store = new DuckDbStore({ path: join(dir, `shard-${shardId}.duckdb`) });
    await store.open();
    stores.set(shardId, store);
    const server = new ShardServer({ store, shardId, shardCount: SHARDS });
    servers[shardId] = server;
    const { address } = await server.start();
    await discovery.register({ service: 'shards', id: `shard-${shardId}`, address, attributes: { FLORIN_PARTITION: String(shardId), FLORIN_SHARD_COUNT: String(SHARDS) } });
    return address;
  };

  const stopShard = async (shardId: number): Promise<void> => {
    await servers[shardId]!.close(0);
    await stores.get(shardId)!.close();
    stores.delete(shardId);
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'florin-replace-'));
    discovery = new StaticDiscovery({ services: { shards: [] }, log: quiet });
    for (let i = 0; i < SHARDS; i++) await startShard(i);
    directory = new ShardDirectory(new MemberSet(discovery, ['shards']), { log: quiet });
    await directory.members.ready();
    const loader = new ShardRouter(directory);
    await loader.createDataset(market.dataset);
    await loader.write(market.dataset.name, market.dataset.fields, [...market.frames()]);
    loader.close();
  });

  afterEach(async () => {
    directory.close();
    directory.members.close();
    await discovery.close();
    await Promise.all(servers.map((s) => s.close(0)));
    await Promise.all([...stores.values()].map((s) => s.close()));
    servers.length = 0;
    stores.clear();
    await rm(dir, { recursive: true, force: true });
  });

  const readAll = (router: ShardRouter, deadlineMs?: number) =>
    router.read({ dataset: market.dataset.name, symbols: market.symbols, range: { start: 0, end: Date.UTC(2100, 0, 1) } }, deadlineMs ? { deadlineMs } : {});

  it('waits for the replacement to register at its new address, then answers bit-exact', async () => {
    const router = new ShardRouter(directory, { downForMs: 2_000 });
    try {
      await stopShard(1);
      const started = Date.now();
      const pending = readAll(router);
      // The replacement comes up 600 ms later, elsewhere, and registers under the same id.
      await sleep(600);
      await startShard(1);
      const frames = await pending;
      expect(Date.now() - started).toBeGreaterThanOrEqual(600);
      expect(frames.map((f) => f.symbol)).toEqual(market.symbols);
      for (const f of frames) expect(framesBitEqual(f, market.frame(f.symbol))).toBe(true);
    } finally {
      router.close();
    }
  });

  it('fails UNAVAILABLE once replacementWaitMs passes with no replacement', async () => {
    const router = new ShardRouter(directory, { replacementWaitMs: 800 });
    try {
      await stopShard(1);
      const started = Date.now();
      const err = await failure(readAll(router));
      const waited = Date.now() - started;
      expect(err.code).toBe('UNAVAILABLE');
      expect(waited).toBeGreaterThanOrEqual(400);
      expect(waited).toBeLessThan(5_000);
    } finally {
      router.close();
    }
  });

  it('never waits past the call deadline', async () => {
    const router = new ShardRouter(directory, { replacementWaitMs: 60_000 });
    try {
      await stopShard(1);
      const started = Date.now();
      const err = await failure(readAll(router, 700));
      expect(['UNAVAILABLE', 'DEADLINE_EXCEEDED']).toContain(err.code);
      // The deadline (700 ms), not the 60 s replacement wait: the margin is for a loaded machine.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      router.close();
    }
  });

  it('a fixed address list fails at once: nothing will replace the task', async () => {
    const addresses = [0, 1].map((i) => directory.addressesOf(i)[0]!);
    const router = new ShardRouter(addresses);
    try {
      await stopShard(1);
      const started = Date.now();
      expect((await failure(readAll(router))).code).toBe('UNAVAILABLE');
      // At once, not after the 20 s a discovered shard's replacement is waited for.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      router.close();
    }
  });
});
