import { resolveLimits, type Limits, type ServerSecurity } from '@florin/core';
import type { Store } from '@florin/store';

export interface ShardServerOptions {
  /** The store holding this shard's partition. The shard opens it if needed; its owner closes it. */
  store: Store;
  /** This shard's id, 0 <= shardId < shardCount. */
  shardId: number;
  /** How many shards the dataset space is partitioned over (the partition function's modulus). */
  shardCount: number;
  /** Overrides of DEFAULT_LIMITS from @florin/core (symbols, points, message and chunk bytes, default deadline). */
  limits?: Partial<Limits>;
  /** Interface to bind. Default '127.0.0.1'. */
  host?: string;
  /** Port to bind. Default 0: a free port, reported by start(). */
  port?: number;
  /**
   * When several shard tasks serve one partition (a server store): whether this
   * task is the partition's writer now (a writer lease, e.g. @florin/store's
   * PostgresWriterLease). assertWriter() throws FAILED_PRECONDITION naming the
   * writer; the store itself fences what slips past. Default: always the writer.
   */
  writer?: WriterCheck;
  /** TLS and caller authentication; default none (plaintext). */
  security?: ServerSecurity;
}

/** Refuses a write on a task that is not its partition's writer (FAILED_PRECONDITION, message naming "writer"). */
export interface WriterCheck {
  assertWriter(): void;
}

/** Options with every default filled in and checked. */
export interface ShardServerConfig {
  readonly store: Store;
  readonly shardId: number;
  readonly shardCount: number;
  readonly limits: Limits;
  readonly host: string;
  readonly port: number;
  readonly writer: WriterCheck | undefined;
  readonly security: ServerSecurity | undefined;
}

export const DEFAULT_SHARD_HOST = '127.0.0.1';
export const DEFAULT_SHARD_PORT = 0;

/** Resolves options over the defaults; rejects invalid ones with a precise TypeError. */
export function resolveShardConfig(options: ShardServerOptions): ShardServerConfig {
  const { store, shardId, shardCount } = options;
  if (!store) throw new TypeError('ShardServer needs a store');
  if (!Number.isSafeInteger(shardCount) || shardCount < 1) {
    throw new TypeError(`shardCount must be a positive integer, got ${String(shardCount)}`);
  }
  if (!Number.isSafeInteger(shardId) || shardId < 0 || shardId >= shardCount) {
    throw new TypeError(`shardId must be an integer in [0, ${shardCount}), got ${String(shardId)}`);
  }
  const port = options.port ?? DEFAULT_SHARD_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new TypeError(`port must be an integer in [0, 65535], got ${String(port)}`);
  const host = options.host ?? DEFAULT_SHARD_HOST;
  if (host.length === 0) throw new TypeError('host must not be empty');
  return { store, shardId, shardCount, limits: resolveLimits(options.limits), host, port, writer: options.writer, security: options.security };
}
