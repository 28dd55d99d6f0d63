import { invalidArgument, type ClientSecurity, type DatasetInfo, type SeriesFrame } from '@florin/core';
import { DataClient, type HeadStats, type SeriesQuery } from '@florin/client';
import { ShardRouter } from '@florin/shard-client';
import { headTargets } from '../data-source.js';
import { assertLoopback } from './loopback.js';

/**
 * How the load test reaches the data:
 * - `heads`: through the head nodes, each key to its owning head (DataClient), aggregation on;
 * - `no-coalesce`: the same, with every read opting out of aggregation (`coalesce: false`);
 * - `direct`: straight to the shards (ShardRouter), no head in between.
 */
export type LoadMode = 'heads' | 'no-coalesce' | 'direct';

export const LOAD_MODES: readonly LoadMode[] = Object.freeze(['heads', 'no-coalesce', 'direct']);

/** Where the cluster listens. Head addresses are needed by the head modes, shard addresses (in shard-id order) by `direct`. */
export interface LoadAddresses {
  /** host:port, or id=host:port with the id the head was started with (so reads go to each key's owner). */
  readonly heads?: readonly string[];
  readonly shards?: readonly string[];
  /**
   * Set when the addresses are those of a cluster off this machine that the
   * user named with --target-cluster (found through discovery): they are not
   * held to loopback. Unset, every address must be on loopback.
   */
  readonly cluster?: string;
}

/** The head counters of a run, summed over every head. */
export interface HeadTotals {
  readonly heads: number;
  readonly requests: number;
  readonly pointsServed: number;
  readonly upstreamRequests: number;
  readonly upstreamPoints: number;
  readonly joins: number;
  readonly cacheHits: number;
  readonly cachePartialHits: number;
  readonly cacheMisses: number;
  readonly evictions: number;
  /** A gauge: bytes cached when the stats were taken. */
  readonly cacheBytes: number;
}

/** One mode's connection: reads, head stats (none for `direct`), and a way to let go. */
export interface LoadTarget {
  readonly mode: LoadMode;
  readonly description: string;
  read(query: SeriesQuery, deadlineMs: number): Promise<SeriesFrame[]>;
  listDatasets(deadlineMs: number): Promise<DatasetInfo[]>;
  /** The heads' counters since the last reset (undefined in `direct` mode); with `reset`, they restart from zero afterwards. */
  stats(reset: boolean): Promise<HeadTotals | undefined>;
  /** Idempotent. */
  close(): void;
}

/**
 * Connects for `mode`, after checking every address it will use is on
 * loopback; `security` is the TLS trust and token of a secure cluster
 * (undefined: plaintext).
 */
export function connectLoadTarget(mode: LoadMode, addresses: LoadAddresses, security?: ClientSecurity): LoadTarget {
  if (mode === 'direct') {
    const shards = addresses.shards ?? [];
    if (shards.length === 0) throw invalidArgument('direct mode reads straight from the shards: give their addresses (--shards), or run it against a local cluster');
    if (addresses.cluster === undefined) assertLoopback(shards, 'shard address');
    const router = new ShardRouter(shards, { security });
    return {
      mode,
      description: `shards ${shards.join(', ')} (direct)`,
      read: (query, deadlineMs) => router.read(query, { deadlineMs }),
      listDatasets: (deadlineMs) => router.listDatasets({ deadlineMs }),
      stats: () => Promise.resolve(undefined),
      close: () => router.close(),
    };
  }
  const heads = addresses.heads ?? [];
  if (heads.length === 0) throw invalidArgument(`${mode} mode reads through the head nodes: give their addresses (--heads), or run it against a local cluster with head nodes`);
  const members = headTargets(heads);
  if (addresses.cluster === undefined) assertLoopback(members.map((m) => (typeof m === 'string' ? m : m.address)), 'head address');
  const data = new DataClient({ heads: members, security });
  const coalesce = mode === 'heads';
  return {
    mode,
    description: `head nodes ${heads.join(', ')}${coalesce ? '' : ' (coalesce off per call)'}`,
    read: (query, deadlineMs) => data.read(query, coalesce ? { deadlineMs } : { deadlineMs, coalesce: false }),
    listDatasets: (deadlineMs) => data.listDatasets({ deadlineMs }),
    stats: async (reset) => sumStats(await data.stats(reset)),
    close: () => data.close(),
  };
}

/** The counters `after` minus those of `before` (the cache-size gauge as of `after`). */
export function headTotalsSince(before: HeadTotals, after: HeadTotals): HeadTotals {
  const d = (pick: (t: HeadTotals) => number): number => pick(after) - pick(before);
  return {
    heads: after.heads,
    requests: d((t) => t.requests),
    pointsServed: d((t) => t.pointsServed),
    upstreamRequests: d((t) => t.upstreamRequests),
    upstreamPoints: d((t) => t.upstreamPoints),
    joins: d((t) => t.joins),
    cacheHits: d((t) => t.cacheHits),
    cachePartialHits: d((t) => t.cachePartialHits),
    cacheMisses: d((t) => t.cacheMisses),
    evictions: d((t) => t.evictions),
    cacheBytes: after.cacheBytes,
  };
}

function sumStats(stats: readonly HeadStats[]): HeadTotals {
  const sum = (pick: (s: HeadStats) => number): number => stats.reduce((n, s) => n + pick(s), 0);
  return {
    heads: stats.length,
    requests: sum((s) => s.requests),
    pointsServed: sum((s) => s.pointsServed),
    upstreamRequests: sum((s) => s.upstreamRequests),
    upstreamPoints: sum((s) => s.upstreamPoints),
    joins: sum((s) => s.joins),
    cacheHits: sum((s) => s.cacheHits),
    cachePartialHits: sum((s) => s.cachePartialHits),
    cacheMisses: sum((s) => s.cacheMisses),
    evictions: sum((s) => s.evictions),
    cacheBytes: sum((s) => s.cacheBytes),
  };
}
