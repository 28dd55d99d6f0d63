import { hostname } from 'node:os';
import { frequencyMs, resolveLimits, type ClientSecurity, type Limits } from '@florin/core';
import { StaticMembership, type HeadMember, type HeadMembership } from './membership.js';

/** Retry policy for upstream reads: exponential backoff with jitter, UNAVAILABLE only, within the deadline. */
export interface RetryPolicy {
  /** Most attempts per upstream read, the first included. Default 6. */
  maxAttempts: number;
  /** Backoff before the second attempt, in ms. Default 25. */
  initialBackoffMs: number;
  /** Cap on one backoff, in ms. Default 1000. */
  maxBackoffMs: number;
  /** Growth factor of the backoff per attempt. Default 2. */
  multiplier: number;
}

/**
 * Options of a head node. Every field is optional; `resolveHeadOptions` fills in
 * the documented defaults and rejects invalid values with a precise TypeError.
 */
export interface HeadOptions {
  /**
   * This head's stable id: reported by GetStats and DescribeHead, and hashed
   * (HeadRing) to decide which keys it owns. Default: membership.selfId, else
   * `head-<hostname>-<pid>`.
   */
  nodeId?: string;
  /**
   * The heads of the logical server (this one included, by id), for a static
   * membership. A head asked for keys another member owns asks that member
   * (a peer read), never the shards. Default: none (this head owns every key).
   */
  peers?: readonly HeadMember[];
  /** A live membership (discovery) instead of `peers`. Its selfId must equal nodeId when both are given. */
  membership?: HeadMembership;
  /** Overrides of DEFAULT_LIMITS from @florin/core. The head enforces the same limits as a shard. */
  limits?: Partial<Limits>;
  /** TLS and the head's own token for its calls to shards and peer heads; default none (plaintext). */
  clientSecurity?: ClientSecurity;
  /** Aggregate reads (cache + coalescing). False sends every read straight upstream. Default true. */
  coalesce?: boolean;
  /** Byte bound of the chunk cache (lru-cache maxSize). Default 512 MiB. */
  cacheMaxBytes?: number;
  /**
   * Cache what is written through this head (keys it owns): when the shards
   * say the chunks a write touches then hold exactly the written rows of its
   * symbols (a new dataset, or a rerun overwriting the same rows), those
   * chunks are cached, so the next read of them (a job's final step reading
   * its results) is a cache hit. Needs `coalesce`. Default true.
   */
  cacheWrites?: boolean;
  /**
   * Bound on the estimated bytes of upstream fetches in flight (lru-cache counts
   * them as zero). Past it, new fetches wait in a FIFO queue. Default 32 MiB.
   */
  maxInflightBytes?: number;
  /**
   * Bound on the bytes of read answers serialized and queued for their
   * callers but not yet handed to the connection (slow or many readers).
   * Past it, answer messages wait in a FIFO queue. Default 16 MiB.
   */
  maxAnswerBytes?: number;
  /**
   * Bound on the callers' reads a head serves at once (planning, fetching,
   * answering). Past it, reads wait in a FIFO queue within their deadline:
   * backpressure instead of hundreds of calls holding tickets, fetched
   * chunks and answers together. Reads another head forwarded are not
   * counted (two heads never wait on each other's slots). Default 64.
   */
  maxReads?: number;
  /**
   * How long a read with missing chunks waits for other reads to join its
   * upstream fetch, in ms. 0 means one event-loop turn (setImmediate). Default 2.
   */
  lingerMs?: number;
  /**
   * Data newer than now - freshnessMs (the live edge) is served but never
   * cached: of a chunk that reaches past it only the settled part is kept, and
   * a later read fetches just the delta beyond it. Default 10 minutes.
   */
  freshnessMs?: number;
  /**
   * Chunk span in bars, per dataset frequency (e.g. `{ '1h': 720 }`), merged
   * over DEFAULT_CHUNK_BARS. Fetches are aligned to this grid (epoch-aligned).
   */
  chunkBars?: Record<string, number>;
  /** Chunk span in bars for frequencies not named in chunkBars. Default 1024. */
  defaultChunkBars?: number;
  /**
   * A read spanning more chunks than this per series is served straight
   * upstream (not cached), so a "give me everything" range cannot flood the
   * index with empty chunks. Default 20000.
   */
  maxChunksPerSeries?: number;
  /** Retry policy of upstream reads. */
  retry?: Partial<RetryPolicy>;
  /**
   * Clock, for the live edge: the settled part of a chunk (older than
   * now - freshnessMs) is cached, and only what lies beyond it is fetched again. Default Date.now.
   */
  now?: () => number;
}

/** Bars per chunk by frequency: a year of daily bars (epoch-aligned 365-day spans), a day of minute bars. */
export const DEFAULT_CHUNK_BARS: Readonly<Record<string, number>> = Object.freeze({ '1d': 365, '1m': 1440 });

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 6,
  initialBackoffMs: 25,
  maxBackoffMs: 1000,
  multiplier: 2,
});

export const DEFAULT_HEAD_OPTIONS = Object.freeze({
  coalesce: true,
  cacheWrites: true,
  cacheMaxBytes: 512 * 1024 * 1024,
  maxInflightBytes: 32 * 1024 * 1024,
  maxAnswerBytes: 16 * 1024 * 1024,
  maxReads: 64,
  lingerMs: 2,
  freshnessMs: 10 * 60_000,
  defaultChunkBars: 1024,
  maxChunksPerSeries: 20_000,
});

/** Head options with every default filled in. */
export interface HeadConfig {
  readonly nodeId: string;
  /** Undefined: a lone head that owns every key. */
  readonly membership: HeadMembership | undefined;
  readonly limits: Limits;
  readonly clientSecurity: ClientSecurity | undefined;
  readonly coalesce: boolean;
  readonly cacheWrites: boolean;
  readonly cacheMaxBytes: number;
  readonly maxInflightBytes: number;
  readonly maxAnswerBytes: number;
  readonly maxReads: number;
  readonly lingerMs: number;
  readonly freshnessMs: number;
  readonly chunkBars: Readonly<Record<string, number>>;
  readonly defaultChunkBars: number;
  readonly maxChunksPerSeries: number;
  readonly retry: RetryPolicy;
  readonly now: () => number;
}

export function resolveHeadOptions(options: HeadOptions = {}): HeadConfig {
  const d = DEFAULT_HEAD_OPTIONS;
  if (options.membership && options.peers) throw new TypeError('give a head either peers or membership, not both');
  const nodeId = options.nodeId ?? options.membership?.selfId ?? `head-${hostname()}-${process.pid}`;
  if (typeof nodeId !== 'string' || nodeId.length === 0) throw new TypeError('nodeId must be a non-empty string');
  if (options.membership && options.membership.selfId !== nodeId) {
    throw new TypeError(`nodeId ${nodeId} differs from membership.selfId ${options.membership.selfId}`);
  }
  const membership = options.membership ?? (options.peers ? new StaticMembership(nodeId, options.peers) : undefined);
  const chunkBars: Record<string, number> = { ...DEFAULT_CHUNK_BARS, ...options.chunkBars };
  for (const [frequency, bars] of Object.entries(chunkBars)) {
    try {
      frequencyMs(frequency);
    } catch {
      throw new TypeError(`chunkBars names frequency ${JSON.stringify(frequency)}; use e.g. 1d, 1h, 5m, 30s`);
    }
    positiveInteger(`chunkBars[${frequency}]`, bars);
  }
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  positiveInteger('retry.maxAttempts', retry.maxAttempts);
  nonNegative('retry.initialBackoffMs', retry.initialBackoffMs);
  nonNegative('retry.maxBackoffMs', retry.maxBackoffMs);
  if (!(retry.multiplier >= 1)) throw new TypeError(`retry.multiplier must be >= 1, got ${String(retry.multiplier)}`);
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('now must be a function returning epoch ms');
  return {
    nodeId,
    membership,
    limits: resolveLimits(options.limits),
    clientSecurity: options.clientSecurity,
    coalesce: options.coalesce ?? d.coalesce,
    cacheWrites: (options.coalesce ?? d.coalesce) && (options.cacheWrites ?? d.cacheWrites),
    cacheMaxBytes: positiveInteger('cacheMaxBytes', options.cacheMaxBytes ?? d.cacheMaxBytes),
    maxInflightBytes: positiveInteger('maxInflightBytes', options.maxInflightBytes ?? d.maxInflightBytes),
    maxAnswerBytes: positiveInteger('maxAnswerBytes', options.maxAnswerBytes ?? d.maxAnswerBytes),
    maxReads: positiveInteger('maxReads', options.maxReads ?? d.maxReads),
    lingerMs: nonNegative('lingerMs', options.lingerMs ?? d.lingerMs),
    freshnessMs: nonNegative('freshnessMs', options.freshnessMs ?? d.freshnessMs),
    chunkBars,
    defaultChunkBars: positiveInteger('defaultChunkBars', options.defaultChunkBars ?? d.defaultChunkBars),
    maxChunksPerSeries: positiveInteger('maxChunksPerSeries', options.maxChunksPerSeries ?? d.maxChunksPerSeries),
    retry,
    now,
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name} must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}
