import { join } from 'node:path';
import type { SeriesFrame } from '@florin/core';
import { DuckDbStore, PartitionedStore, type MarketOptions, type SampleMarket } from '@florin/store';
import { ShardServer } from '@florin/shard';
import { HeadServer } from '@florin/head';
import { LocalCluster } from '@florin/cli';
import { progress } from './bench-options.js';

/** A running cluster for a benchmark: where its heads and shards listen, and how to stop it. */
export interface BenchCluster {
  readonly kind: 'processes' | 'in-process';
  readonly heads: readonly string[];
  readonly shards: readonly string[];
  /** Process ids of the heads, in `heads` order (this process's for an in-process cluster). */
  readonly headPids: readonly number[];
  /** Idempotent. */
  stop(): Promise<void>;
}

export interface BenchClusterOptions {
  readonly dir: string;
  readonly shards: number;
  readonly heads: number;
  readonly market: Required<Pick<MarketOptions, 'symbols' | 'years' | 'seed'>>;
  /** Extra `florin head` flags of a process cluster, e.g. ['--cache-mb', '64']. */
  readonly headArgs?: readonly string[];
  /** Node.js flags of every role process (e.g. ['--max-semi-space-size=2']). */
  readonly nodeArgs?: readonly string[];
}

/** The cluster `florin up` runs (LocalCluster): one process per shard and per head, over per-shard DuckDB files in `dir`. */
export async function startProcessCluster(options: BenchClusterOptions): Promise<BenchCluster> {
  const cluster = new LocalCluster({
    dataDir: options.dir,
    shards: options.shards,
    heads: options.heads,
    host: '127.0.0.1',
    market: options.market,
    headArgs: [...(options.headArgs ?? [])],
    ...(options.nodeArgs?.length ? { nodeArgs: [...options.nodeArgs] } : {}),
    qcus: 0,
    log: progress,
  });
  try {
    const info = await cluster.start();
    return { kind: 'processes', heads: info.heads.map((h) => `${h.id}=${h.address}`), headPids: info.heads.map((h) => h.pid), shards: info.shards.map((s) => s.address), stop: () => cluster.stop() };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

/**
 * The same cluster inside this process (ShardServers over per-shard DuckDB
 * files, HeadServers with default options): one event loop serves the
 * clients, heads and shards, so `node --cpu-prof` sees the whole read path
 * in one profile. Throughput is lower than with separate processes.
 */
export async function startInProcessCluster(options: BenchClusterOptions, market: SampleMarket): Promise<BenchCluster> {
  const stores = Array.from({ length: options.shards }, (_, id) => new DuckDbStore({ path: join(options.dir, `shard-${id}.duckdb`) }));
  const shards: ShardServer[] = [];
  const heads: HeadServer[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await Promise.all(heads.map((h) => h.close(5_000)));
      await Promise.all(shards.map((s) => s.close(5_000)));
      await Promise.all(stores.map((s) => s.close()));
    })());
  try {
    const all = new PartitionedStore(stores);
    await all.open();
    progress(`loading the sample market (${options.market.symbols} symbols x ${options.market.years} years) into ${options.shards} DuckDB files ...`);
    await all.createDataset(market.dataset);
    let batch: SeriesFrame[] = [];
    for (const frame of market.frames()) {
      batch.push(frame);
      if (batch.length === 100) {
        await all.write(market.dataset.name, batch);
        batch = [];
      }
    }
    if (batch.length > 0) await all.write(market.dataset.name, batch);
    for (const [shardId, store] of stores.entries()) {
      const shard = new ShardServer({ store, shardId, shardCount: options.shards, port: 0 });
      shards.push(shard);
      await shard.start();
    }
    const shardAddresses = shards.map((s) => s.address!);
    for (let i = 0; i < options.heads; i++) {
      const head = new HeadServer({ shards: shardAddresses, nodeId: `head-${i}`, port: 0 });
      heads.push(head);
      await head.start();
    }
    return { kind: 'in-process', heads: heads.map((h) => h.address!), headPids: heads.map(() => process.pid), shards: shardAddresses, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
