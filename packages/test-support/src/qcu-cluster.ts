import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatasetInfo, SeriesFrame } from '@florin/core';
import { DuckDbStore, type Store } from '@florin/store';
import { ShardServer } from '@florin/shard';
import { HeadServer } from '@florin/head';
import { DataClient } from '@florin/client';
import { runCoordinator, type CoordinatorOptions, type RunningCoordinator } from '@florin/coordinator';
import { QcuWorker, type QcuWorkerOptions } from '@florin/qcu';
// JobsClient is not exported from @florin/client yet; the tests reach its source directly.
import { JobsClient } from '@florin/client';
import type { ClusterSecurity } from './cluster-security.js';

export { JobsClient };

/**
 * A real cluster in one process: `shardCount` shards over DuckDB files, two
 * head nodes over them (so DataClient routes keys to different owners), and a
 * coordinator over SQLite, all in a temp dir on port 0. With `security`: TLS
 * and tokens on every server, heads calling shards as `head`, the coordinator
 * signing write grants, and `jobs`/`data` calling as admin.
 */
export interface QcuCluster {
  readonly coordinator: RunningCoordinator;
  readonly heads: readonly string[];
  /** The shards' addresses, in shard-id order. */
  readonly shards: readonly string[];
  readonly jobs: JobsClient;
  readonly data: DataClient;
  /** Creates the dataset and writes the frames through the head nodes. */
  seed(info: DatasetInfo, frames: readonly SeriesFrame[]): Promise<void>;
  /** A started QcuWorker on this cluster (closed by close()). */
  worker(options: Partial<QcuWorkerOptions> & Pick<QcuWorkerOptions, 'units'>): Promise<QcuWorker>;
  close(): Promise<void>;
}

export async function startQcuCluster(options: { shardCount?: number; coordinator?: CoordinatorOptions; security?: ClusterSecurity } = {}): Promise<QcuCluster> {
  const security = options.security;
  const shardCount = options.shardCount ?? 2;
  const dir = await mkdtemp(join(tmpdir(), 'florin-qcu-test-'));
  const stores: Store[] = [];
  const shards: ShardServer[] = [];
  const headServers: HeadServer[] = [];
  const workers: QcuWorker[] = [];
  const addresses: string[] = [];
  for (let shardId = 0; shardId < shardCount; shardId++) {
    const store = new DuckDbStore({ path: join(dir, `shard-${shardId}.duckdb`) });
    await store.open();
    stores.push(store);
    const shard = new ShardServer({ store, shardId, shardCount, ...(security ? { security: security.server } : {}) });
    shards.push(shard);
    addresses.push((await shard.start()).address);
  }
  const heads: string[] = [];
  for (let i = 0; i < 2; i++) {
    const head = new HeadServer({ shards: addresses, nodeId: `head-${i}`, ...(security ? { security: security.server, clientSecurity: security.client('head') } : {}) });
    headServers.push(head);
    heads.push((await head.start()).address);
  }
  const coordinator = await runCoordinator({
    store: `sqlite:${join(dir, 'jobs.sqlite')}`,
    onBackgroundError: () => undefined,
    ...(security ? { security: security.server, grantKey: security.grantKey } : {}),
    ...options.coordinator,
  });
  const admin = security ? { security: security.client('admin') } : {};
  const jobs = new JobsClient(coordinator.address, admin);
  const data = new DataClient({ heads, ...admin });
  let closing: Promise<void> | undefined;
  return {
    coordinator,
    heads,
    shards: addresses,
    jobs,
    data,
    async seed(info, frames) {
      await data.createDataset(info);
      for (let i = 0; i < frames.length; i += 10) await data.write(info.name, info.fields, frames.slice(i, i + 10));
    },
    async worker(workerOptions) {
      const worker = new QcuWorker({ coordinator: coordinator.address, heads, computeThreads: 2, onLog: () => undefined, ...(security ? { security: security.client('qcu') } : {}), ...workerOptions });
      workers.push(worker);
      await worker.start();
      return worker;
    },
    close() {
      closing ??= (async () => {
        await Promise.all(workers.map((w) => w.close()));
        jobs.close();
        data.close();
        await coordinator.close(100);
        await Promise.all(headServers.map((h) => h.close(100)));
        await Promise.all(shards.map((s) => s.close(100)));
        await Promise.all(stores.map((s) => s.close()));
        await rm(dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

