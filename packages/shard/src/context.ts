import type { Limits } from '@florin/core';
import type { Store } from '@florin/store';
import type { CatalogCache } from './catalog-cache.js';
import type { Ownership } from './ownership.js';
import type { ShardStatsRecorder } from './shard-stats.js';
import type { WriteLane } from './write-lane.js';

/** What every ShardService handler works with. */
export interface ShardContext {
  readonly store: Store;
  readonly catalog: CatalogCache;
  readonly ownership: Ownership;
  readonly limits: Limits;
  readonly writes: WriteLane;
  readonly stats: ShardStatsRecorder;
}
