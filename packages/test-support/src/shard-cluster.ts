import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Limits } from '@florin/core';
import { DuckDbStore, type Store } from '@florin/store';
import { ShardRouter } from '@florin/shard-client';
import { ShardServer } from '@florin/shard';

/** N real shards on 127.0.0.1:0, each over its own DuckDB file in a fresh temp dir, plus a router over them. */
export interface ShardCluster {
  readonly dir: string;
  readonly stores: Store[];
  readonly shards: ShardServer[];
  readonly addresses: string[];
  readonly router: ShardRouter;
  /** Closes router, shards and stores, then removes the temp dir. Idempotent. */
  close(): Promise<void>;
}

export async function startShardCluster(shardCount: number, limits: Partial<Limits> = {}): Promise<ShardCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'florin-shard-test-'));
  const stores: Store[] = [];
  const shards: ShardServer[] = [];
  const addresses: string[] = [];
  let router: ShardRouter | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      router?.close();
      await Promise.all(shards.map((s) => s.close(1_000)));
      await Promise.all(stores.map((s) => s.close()));
      await rm(dir, { recursive: true, force: true });
    })());
  try {
    for (let shardId = 0; shardId < shardCount; shardId++) {
      const store = new DuckDbStore({ path: join(dir, `shard-${shardId}.duckdb`) });
      await store.open();
      stores.push(store);
      const shard = new ShardServer({ store, shardId, shardCount, limits });
      shards.push(shard);
      addresses.push((await shard.start()).address);
    }
    router = new ShardRouter(addresses, { limits });
    return { dir, stores, shards, addresses, router, close };
  } catch (err) {
    await close();
    throw err;
  }
}
