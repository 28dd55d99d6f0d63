import { createLogger, type Logger } from '@florin/core';
import type { Membership, Registration } from './member.js';

export type DiscoveryKind = 'static' | 'local' | 'dns' | 'cloudmap' | 'relay';

/** created -> started (start() checked the backend) -> closed. close() is idempotent. */
export type DiscoveryState = 'created' | 'started' | 'closed';

/**
 * starting: no answer yet; live: the last refresh succeeded; stale: refreshes
 * fail and current() is the last good answer; failed: the first answer was a
 * permanent error (unknown namespace or service), see error(); closed.
 */
export type WatchState = 'starting' | 'live' | 'stale' | 'failed' | 'closed';

export interface WatchOptions {
  /**
   * Only members whose attributes include all these pairs (Cloud Map
   * QueryParameters; filtered locally by the other backends).
   */
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface ResolveOptions extends WatchOptions {
  readonly signal?: AbortSignal;
}

export interface ReadyOptions {
  /** Resolve only once at least this many members are known (default 0: the first answer). */
  readonly minMembers?: number;
  readonly signal?: AbortSignal;
  /** Reject with UNAVAILABLE after this long (default: wait until signal or close). */
  readonly timeoutMs?: number;
}

/** A live view of one service's membership. Iterating yields the newest answer after each change. */
export interface MembershipWatch extends AsyncIterable<Membership> {
  readonly service: string;
  readonly state: WatchState;
  /** The newest answer, or undefined before the first one. */
  current(): Membership | undefined;
  /** The permanent error that failed this watch, if any. */
  error(): Error | undefined;
  /** Resolves with the first answer (with at least minMembers members); rejects if the watch fails or closes. */
  ready(options?: ReadyOptions): Promise<Membership>;
  /** Called after every change of the member list (and stale/live flips). Returns the unsubscribe function. */
  onChange(listener: (membership: Membership) => void): () => void;
  /** Stops this view (the shared refresh stops with the last view). Idempotent. */
  close(): void;
}

export interface FeedStats {
  readonly service: string;
  readonly state: WatchState;
  readonly members: number;
  readonly version: number;
  readonly sourceRevision?: number;
  readonly refreshes: number;
  readonly failures: number;
  readonly consecutiveFailures: number;
  readonly lastError?: string;
}

export interface DiscoveryStats {
  readonly kind: DiscoveryKind;
  readonly state: DiscoveryState;
  /** Backend calls by operation (Cloud Map operation names, `dns.SRV`, `dir.read`, ...). */
  readonly calls: Readonly<Record<string, number>>;
  /** Failed backend calls (all kinds, throttled included). */
  readonly errors: number;
  /** Calls refused by throttling (Cloud Map ThrottlingException / RequestLimitExceeded / HTTP 429). */
  readonly throttled: number;
  /** Refreshes that failed while a last good answer kept being served. */
  readonly staleServes: number;
  /** Instances or records skipped as malformed. */
  readonly malformedSkipped: number;
  readonly watches: readonly FeedStats[];
}

/** One line of what discovery did worth telling an operator. */
export interface DiscoveryLogEntry {
  readonly level: 'info' | 'warn';
  readonly message: string;
  readonly service?: string;
}

export type DiscoveryLogger = (entry: DiscoveryLogEntry) => void;

let logger: Logger | undefined;
/** Logs through core's logger (JSON on stderr), name "discovery". */
export const stderrLogger: DiscoveryLogger = (entry) => {
  logger ??= createLogger('discovery');
  logger[entry.level](entry.service ? { service: entry.service } : {}, entry.message);
};

/**
 * Membership of Florin services. Callers: the SDK and QCUs (head nodes, the
 * coordinator), head nodes (shards, peer heads), the CLI and `florin up`.
 */
export interface Discovery {
  readonly kind: DiscoveryKind;
  readonly state: DiscoveryState;
  /**
   * Checks the backend (Cloud Map: the namespace exists) and starts. Calling
   * resolve/watch/register starts implicitly; call it first to fail early.
   */
  start(): Promise<void>;
  /** One fresh answer. An unknown service is NOT_FOUND naming it; an empty service is an empty answer. */
  resolve(service: string, options?: ResolveOptions): Promise<Membership>;
  /** Follows a service. Views of the same service and filter share one refresh loop. */
  watch(service: string, options?: WatchOptions): MembershipWatch;
  /** Announces a member. Registering the same service and id again replaces it. */
  register(registration: Registration): Promise<void>;
  /** Withdraws a member (no error when it is not registered). */
  deregister(service: string, id: string): Promise<void>;
  /**
   * Stops owning a registration without withdrawing it, so close() leaves it
   * alone: another process (a replacement task) registered the same id since.
   */
  forget(service: string, id: string): void;
  stats(): DiscoveryStats;
  /** Closes every watch and deregisters what this instance registered. Idempotent. */
  close(): Promise<void>;
}
