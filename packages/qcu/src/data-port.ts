import type { SeriesFrame } from '@florin/core';
import type { CallOptions, SeriesQuery, WriteOptions } from '@florin/core';

/**
 * What a unit's context needs from the data plane: batched reads and
 * key-routed writes through the head nodes. `DataClient` from @florin/client
 * is the implementation the QCU runtime uses.
 */
export interface DataPort {
  read(query: SeriesQuery, options?: DataReadOptions): Promise<SeriesFrame[]>;
  write(dataset: string, fields: readonly string[], frames: readonly SeriesFrame[], options?: WriteOptions): Promise<number>;
}

/** Options of a read through the heads. */
export interface DataReadOptions extends CallOptions {
  /** false: the heads answer from the shards without caching what they read (a read made once). Default true. */
  coalesce?: boolean;
}

/** The read side, as a unit sees it through `ctx.data` (the task's AbortSignal is applied by default). */
export interface UnitData {
  read(query: SeriesQuery, options?: DataReadOptions): Promise<SeriesFrame[]>;
}
