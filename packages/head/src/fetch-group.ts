import { FlorinError, type DatasetInfo } from '@florin/core';
import type { CachedChunk } from './chunk-cache.js';
import type { ChunkData } from './chunk-data.js';
import type { ChunkGrid, ChunkSpan } from './chunk-grid.js';

/** Chunks a fetch delivered: per field key (dataset, symbol, field), one single-field ChunkData per chunk of the span. */
export type FetchResult = ReadonlyMap<string, readonly ChunkData[]>;

export type FetchGroupState = 'pending' | 'fulfilled' | 'rejected';

/**
 * A delta fetch: the group's first chunk (the one at the live edge) has its
 * settled part cached for each symbol and field (`bases`, by field key), so only [from, span end) is
 * read upstream, `from` being the earliest settled end among them; any later
 * chunks of the span (the future) are read whole in the same call.
 */
export interface DeltaFetch {
  readonly from: number;
  readonly bases: ReadonlyMap<string, CachedChunk>;
}

/**
 * One shared upstream fetch: the chunks [span.first, span.end) of several
 * symbols x several fields of one dataset on one shard, read by one upstream
 * RPC (every pair of the product is one the planner found missing). Readers
 * attach as waiters; the fetch runs on the group's own AbortController, never
 * on a caller's signal, so a caller that leaves detaches only itself. When the
 * last waiter leaves before the fetch settles, the fetch is aborted and
 * `onAbandoned` runs at once, so new readers start a fresh fetch.
 */
export class FetchGroup {
  readonly promise: Promise<FetchResult>;
  private readonly controller = new AbortController();
  private waiters = 0;
  private latestDeadline = 0;
  private stateValue: FetchGroupState = 'pending';
  private resolveFn!: (result: FetchResult) => void;
  private rejectFn!: (err: unknown) => void;

  constructor(
    readonly dataset: DatasetInfo,
    readonly grid: ChunkGrid,
    readonly shard: number,
    readonly symbols: readonly string[],
    /** The fields fetched for every symbol (dataset catalog order). */
    readonly fields: readonly string[],
    readonly span: ChunkSpan,
    private readonly onAbandoned: (group: FetchGroup) => void,
    /** Set for a delta fetch of the chunk at the live edge. */
    readonly delta?: DeltaFetch,
  ) {
    this.promise = new Promise<FetchResult>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
    // Waiters handle the outcome; a group nobody waits for must not raise an unhandled rejection.
    this.promise.catch(() => undefined);
  }

  get state(): FetchGroupState {
    return this.stateValue;
  }

  get settled(): boolean {
    return this.stateValue !== 'pending';
  }

  /** Fires when every waiter has left (or the head node closes). The upstream call runs on it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get waiterCount(): number {
    return this.waiters;
  }

  /** The latest deadline among the waiters that attached: the fetch may retry until then. */
  get deadlineMs(): number {
    return this.latestDeadline;
  }

  attach(deadlineMs: number): void {
    this.waiters++;
    if (deadlineMs > this.latestDeadline) this.latestDeadline = deadlineMs;
  }

  /** A waiter leaves. The last one to leave an unsettled fetch aborts it. */
  detach(): void {
    if (this.waiters === 0) return;
    this.waiters--;
    if (this.waiters === 0 && !this.settled) {
      this.abort(new FlorinError('CANCELLED', 'every reader of this upstream fetch left'));
    }
  }

  /** Aborts the fetch (the head node closing, or no waiter left). */
  abort(reason: FlorinError): void {
    if (this.settled) return;
    this.stateValue = 'rejected';
    this.controller.abort(reason);
    this.onAbandoned(this);
    this.rejectFn(reason);
  }

  fulfil(result: FetchResult): void {
    if (this.settled) return;
    this.stateValue = 'fulfilled';
    this.resolveFn(result);
  }

  fail(err: unknown): void {
    if (this.settled) return;
    this.stateValue = 'rejected';
    this.rejectFn(err);
  }
}
