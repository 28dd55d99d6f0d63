import { FlorinError, fromServiceError, type DatasetInfo, type SeriesFrame } from '@florin/core';
import type { CallOptions, SeriesQuery, WriteOptions } from '@florin/core';

/**
 * What the head node needs of the shards: batched reads, routed writes and the catalog.
 * ShardRouter from @florin/client is one (it routes every series to the shard
 * that owns it); the head groups its fetches by `shardOf`, so each read it
 * sends names symbols of one shard and becomes one shard RPC.
 */
export interface Upstream {
  readonly shardCount: number;
  shardOf(dataset: string, symbol: string): number;
  /** One frame per distinct requested symbol (empty when it has no rows), columns in `fields` order. */
  read(query: SeriesQuery, options?: CallOptions): Promise<SeriesFrame[]>;
  /**
   * Routes a write to the owning shards; with `options.cover`, also answers
   * for which symbols that range then holds exactly the written rows (their shard said so).
   */
  writeChecked(dataset: string, fields: readonly string[], frames: readonly SeriesFrame[], options?: WriteOptions): Promise<UpstreamWrite>;
  listDatasets(options?: CallOptions): Promise<DatasetInfo[]>;
  createDataset(info: DatasetInfo, options?: CallOptions): Promise<{ dataset: DatasetInfo; created: boolean }>;
  /** Every symbol of `dataset` across all shards, sorted and unique. */
  listSymbols(dataset: string, options?: CallOptions): Promise<string[]>;
}

/** What Upstream.writeChecked answers. */
export interface UpstreamWrite {
  readonly rowsWritten: number;
  readonly coveredSymbols: ReadonlySet<string>;
}

/** Codes that mean the request itself was wrong: passed to the caller as the shard said them. */
const CALLER_FAULTS = new Set(['INVALID_ARGUMENT', 'NOT_FOUND', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ALREADY_EXISTS']);

/**
 * What a failed upstream call means for the head's caller: the caller's own
 * faults and deadline/cancellation keep their status and message; anything
 * else (a lost or broken shard) becomes UNAVAILABLE with the upstream message.
 */
export function upstreamError(err: unknown): FlorinError {
  const e = fromServiceError(err);
  if (CALLER_FAULTS.has(e.code) || e.code === 'UNAVAILABLE' || e.code === 'DEADLINE_EXCEEDED' || e.code === 'CANCELLED') {
    return e;
  }
  return new FlorinError('UNAVAILABLE', `upstream failed: ${e.message}`, { cause: err });
}

/** Relative deadline for an upstream call from an absolute one; DEADLINE_EXCEEDED when it has passed. */
export function remainingMs(deadlineMs: number): number {
  const left = Math.floor(deadlineMs - Date.now());
  if (left <= 0) throw new FlorinError('DEADLINE_EXCEEDED', 'deadline exceeded before the upstream call could start');
  return left;
}

/** True when an (already normalised) error means the shard failed, not that the request was refused. */
export function isUpstreamFailure(err: FlorinError): boolean {
  return err.code === 'UNAVAILABLE' || err.code === 'DEADLINE_EXCEEDED';
}
