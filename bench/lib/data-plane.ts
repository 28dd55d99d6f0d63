import { join } from 'node:path';
import { DuckDbStore } from '@florin/store';
import { ShardServer } from '@florin/shard';
import { HeadServer } from '@florin/head';

/** The smallest real data plane: one shard over a DuckDB file and one head node over it, on 127.0.0.1. */
export interface MiniDataPlane {
  /** Head addresses, for QcuWorker's `heads`. */
  readonly heads: readonly string[];
  /** Closes the head, the shard and the store. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts one shard and one head in this process. A QcuWorker needs a reachable
 * head even for units that never read or publish: before a task runs, it
 * creates the unit's output dataset through a head (once per worker).
 */
export async function startMiniDataPlane(dir: string): Promise<MiniDataPlane> {
  const store = new DuckDbStore({ path: join(dir, 'shard-0.duckdb') });
  await store.open();
  const shard = new ShardServer({ store, shardId: 0, shardCount: 1 });
  let head: HeadServer | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await head?.close(100);
      await shard.close(100);
      await store.close();
    })();
    return closing;
  };
  try {
    const shardAddress = (await shard.start()).address;
    head = new HeadServer({ shards: [shardAddress], nodeId: 'bench-head-0' });
    const headAddress = (await head.start()).address;
    return { heads: [headAddress], close };
  } catch (err) {
    await close();
    throw err;
  }
}
