import type { Limits } from '@florin/core';
import type { Store } from '@florin/store';
import type { CatalogCache } from './catalog-cache.js';
import type { Ownership } from './ownership.js';
import type { ShardStatsRecorder } from './shard-stats.js';
import type { WriterCheck } from './shard-config.js';
import type { WriteLane } from './write-lane.js';

/** What every ShardService handler works with. */
export interface ShardContext {
  readonly store: Store;
  readonly catalog: CatalogCache;
  readonly ownership: Ownership;
  readonly limits: Limits;
  /**
   * The shard is the single writer of its partition: writes reach the store one
   * at a time, in arrival order, so two upserts of the same rows never race
   * inside the store; those that queue behind a running write are merged into
   * one (group commit). A failed write does not block the ones queued behind it.
   */
  readonly writes: WriteLane;
  readonly stats: ShardStatsRecorder;
  /** This task's writer check, when several tasks serve the partition. */
  readonly writer: WriterCheck | undefined;
}
