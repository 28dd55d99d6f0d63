import {
  FlorinError,
  decodeWriteRequest,
  checkPointLimit,
  notFound,
  seriesKey,
  validateDatasetInfo,
  validateReadQuery,
  type DatasetInfo,
  type ReadQuery,
  type ReadQueryInput,
  type SeriesFrame,
  type TimeRange,
  type WriteRequestMessage,
} from '@florin/core';
import { ChunkCache } from './chunk-cache.js';
import { ChunkFetcher } from './chunk-fetcher.js';
import { ChunkGrid, type ChunkSpan } from './chunk-grid.js';
import { Coalescer } from './coalescer.js';
import { DatasetCatalog } from './dataset-catalog.js';
import { SeriesIndex } from './extent-index.js';
import type { FetchGroup } from './fetch-group.js';
import { HeadStats, type HeadStatsSnapshot } from './head-stats.js';
import { InflightBudget } from './inflight-budget.js';
import { resolveHeadOptions, type HeadConfig, type HeadOptions } from './options.js';
import { ReadPlanner } from './read-planner.js';
import { assembleFromChunks, assembleFromFrames, type HeadReadResult } from './read-result.js';
import { ReadTicket } from './read-ticket.js';
import { withRetry } from './retry.js';
import { isUpstreamFailure, remainingMs, upstreamError, type Upstream } from './upstream.js';

export type HeadNodeState = 'open' | 'closed';

/** Per-call options of HeadNode methods. */
export interface HeadCallOptions {
  /** Cancels the call for this caller only. */
  signal?: AbortSignal;
  /** Absolute deadline (epoch ms). Default: now + limits.defaultDeadlineMs. */
  deadlineAt?: number;
}

export interface HeadReadOptions extends HeadCallOptions {
  /** False bypasses the cache and aggregation for this read ("florin-coalesce: off"). */
  coalesce?: boolean;
}

/** An upstream fetch in flight, as inflightFetches() describes it. */
export interface InflightFetch {
  readonly dataset: string;
  readonly shard: number;
  readonly symbols: readonly string[];
  readonly range: TimeRange;
  readonly waiters: number;
}

const NEVER = new AbortController().signal;

/**
 * The head node's engine, without the gRPC surface: validates reads against
 * the shards' catalog, answers them from the chunk cache and coalesced
 * upstream fetches (or straight upstream when aggregation is off), writes
 * through to the owning shards and drops the cached chunks a write touches.
 */
export class HeadNode {
  readonly config: HeadConfig;
  readonly catalog: DatasetCatalog;
  private readonly index = new SeriesIndex();
  private readonly cache: ChunkCache;
  private readonly budget: InflightBudget;
  private readonly statsValue: HeadStats;
  private readonly planner: ReadPlanner;
  private readonly coalescer: Coalescer;
  private readonly grids = new Map<string, ChunkGrid>();
  private stateValue: HeadNodeState = 'open';

  constructor(
    readonly upstream: Upstream,
    options: HeadOptions = {},
  ) {
    this.config = resolveHeadOptions(options);
    this.catalog = new DatasetCatalog(upstream);
    this.cache = new ChunkCache(this.config.cacheMaxBytes, this.index);
    this.budget = new InflightBudget(this.config.maxInflightBytes);
    this.statsValue = new HeadStats(this.config.nodeId, {
      cacheBytes: () => this.cache.bytes,
      cacheEntries: () => this.cache.entries,
      evictions: () => this.cache.evictions,
      inflightBytes: () => this.budget.used,
    });
    const fetcher = new ChunkFetcher(upstream, this.index, this.cache, this.budget, this.statsValue, this.config);
    this.planner = new ReadPlanner(upstream, this.index, this.cache, fetcher, this.statsValue, this.config);
    this.coalescer = new Coalescer(this.config.lingerMs, (tickets) => this.planner.flush(tickets));
  }

  get state(): HeadNodeState {
    return this.stateValue;
  }

  get shardCount(): number {
    return this.upstream.shardCount;
  }

  stats(reset = false): HeadStatsSnapshot {
    return this.statsValue.snapshot(reset);
  }

  /** Reads a batch of series: validated like a shard read, answered from cache and coalesced fetches. */
  async read(input: ReadQueryInput, options: HeadReadOptions = {}): Promise<HeadReadResult> {
    this.assertOpen();
    this.statsValue.add('requests');
    const deadlineAt = options.deadlineAt ?? Date.now() + this.config.limits.defaultDeadlineMs;
    if (input.dataset && !this.catalog.lookup(input.dataset)) await this.catalog.resolve(input.dataset, deadlineAt);
    const query = validateReadQuery(input, (name) => this.catalog.lookup(name), this.config.limits);
    const grid = this.gridOf(query.dataset);
    const span = grid.spanOf(query.range);
    const aggregate = this.config.coalesce && options.coalesce !== false && span.end - span.first <= this.config.maxChunksPerSeries;
    const result = aggregate
      ? await this.readAggregated(query, grid, span, options.signal, deadlineAt)
      : await this.readDirect(query, options.signal, deadlineAt);
    checkPointLimit(result.points, this.config.limits);
    this.statsValue.add('pointsServed', result.points);
    return result;
  }

  /** Validates a WriteRequest as a whole, writes it through to the owning shards, then drops the chunks it touched. */
  async write(request: WriteRequestMessage, options: HeadCallOptions = {}): Promise<number> {
    this.assertOpen();
    const deadlineAt = options.deadlineAt ?? Date.now() + this.config.limits.defaultDeadlineMs;
    if (!request.dataset) throw new FlorinError('INVALID_ARGUMENT', 'dataset is required');
    const dataset = await this.catalog.resolve(request.dataset, deadlineAt);
    if (!dataset) throw notFound(`unknown dataset ${JSON.stringify(request.dataset)}; create it first (CreateDataset)`);
    const frames = decodeWriteRequest(request, dataset, this.config.limits);
    if (frames.length === 0) return 0;
    this.statsValue.add('writes');
    try {
      return await this.upstream.write(dataset.name, request.fields, frames, {
        signal: options.signal,
        deadlineMs: remainingMs(deadlineAt),
        jobId: request.jobId || undefined,
      });
    } catch (err) {
      throw upstreamError(err);
    } finally {
      // Success or not, some shards may have written: what the write touched is no longer known to be current.
      for (const frame of frames) this.invalidate(dataset, frame);
    }
  }

  async listDatasets(options: HeadCallOptions = {}): Promise<DatasetInfo[]> {
    this.assertOpen();
    return this.catalog.list(options.deadlineAt ?? Date.now() + this.config.limits.defaultDeadlineMs);
  }

  /** Every symbol of a dataset across the shards, sorted and unique (not cached); UNAVAILABLE is retried like reads. */
  async listSymbols(dataset: string, options: HeadCallOptions = {}): Promise<string[]> {
    this.assertOpen();
    if (!dataset) throw new FlorinError('INVALID_ARGUMENT', 'dataset is required: name the dataset whose symbols to list');
    const deadlineAt = options.deadlineAt ?? Date.now() + this.config.limits.defaultDeadlineMs;
    const info = await this.catalog.resolve(dataset, deadlineAt);
    if (!info) throw notFound(`unknown dataset ${JSON.stringify(dataset)}`);
    return withRetry((deadline) => this.upstream.listSymbols(info.name, { signal: options.signal, deadlineMs: remainingMs(deadline) }), {
      policy: this.config.retry,
      signal: options.signal ?? NEVER,
      deadlineMs: () => deadlineAt,
      onRetry: () => this.statsValue.add('upstreamRetries'),
    });
  }

  async createDataset(info: DatasetInfo, options: HeadCallOptions = {}): Promise<{ dataset: DatasetInfo; created: boolean }> {
    this.assertOpen();
    const valid = validateDatasetInfo(info);
    const deadlineAt = options.deadlineAt ?? Date.now() + this.config.limits.defaultDeadlineMs;
    try {
      const out = await this.upstream.createDataset(valid, { signal: options.signal, deadlineMs: remainingMs(deadlineAt) });
      this.catalog.remember(out.dataset);
      return out;
    } catch (err) {
      throw upstreamError(err);
    }
  }

  /**
   * Drops cached chunks of `dataset` (one symbol, or all), inside `range` or
   * entirely. Returns how many were dropped. The next read fetches them again.
   */
  evict(dataset: string, symbol?: string, range?: TimeRange): number {
    const info = this.catalog.lookup(dataset);
    const span: ChunkSpan = range && info ? this.gridOf(info).spanOf(range) : { first: -Infinity, end: Infinity };
    const prefix = seriesKey(dataset, '');
    const keys = symbol !== undefined ? [seriesKey(dataset, symbol)] : [...this.index.entries()].map(([k]) => k).filter((k) => k.startsWith(prefix));
    let dropped = 0;
    for (const key of keys) for (const c of this.index.loadedIn(key, span)) if (this.cache.delete(key, c)) dropped++;
    return dropped;
  }

  /** The upstream fetches in flight (joinable ones), with their waiter counts: for diagnostics and tests. */
  inflightFetches(): InflightFetch[] {
    const out: InflightFetch[] = [];
    for (const g of this.inflightGroups()) {
      out.push({ dataset: g.dataset.name, shard: g.shard, symbols: g.symbols, range: g.grid.rangeOf(g.span), waiters: g.waiterCount });
    }
    return out;
  }

  /** Drops every cached chunk. */
  clearCache(): void {
    this.cache.clear();
  }

  /** Stops: lingering reads and in-flight fetches fail with UNAVAILABLE, the cache is emptied. Idempotent. */
  close(): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    this.coalescer.close();
    const closing = new FlorinError('UNAVAILABLE', 'head node is closing');
    for (const g of this.inflightGroups()) g.abort(closing);
    this.budget.close();
    this.cache.clear();
  }

  private async readAggregated(
    query: ReadQuery,
    grid: ChunkGrid,
    span: ChunkSpan,
    signal: AbortSignal | undefined,
    deadlineAt: number,
  ): Promise<HeadReadResult> {
    const ticket = new ReadTicket(query, grid, span, deadlineAt, signal);
    try {
      if (this.planner.arrive(ticket)) await this.coalescer.enqueue(ticket);
      await ticket.settle();
      return assembleFromChunks(ticket);
    } finally {
      ticket.release();
    }
  }

  /** A read sent straight upstream, uncached (aggregation off, or a range too long to cache on the grid). */
  private async readDirect(query: ReadQuery, signal: AbortSignal | undefined, deadlineAt: number): Promise<HeadReadResult> {
    const shards = new Set(query.symbols.map((s) => this.upstream.shardOf(query.dataset.name, s))).size;
    const frames = await withRetry(
      async (deadline): Promise<SeriesFrame[]> => {
        this.statsValue.add('upstreamRequests', shards);
        const out = await this.upstream.read(
          { dataset: query.dataset.name, symbols: query.symbols, fields: query.fields, range: query.range },
          { signal, deadlineMs: remainingMs(deadline) },
        );
        let rows = 0;
        for (const f of out) rows += f.timestamps.length;
        this.statsValue.add('upstreamPoints', rows * query.fields.length);
        return out;
      },
      {
        policy: this.config.retry,
        signal: signal ?? NEVER,
        deadlineMs: () => deadlineAt,
        onRetry: () => this.statsValue.add('upstreamRetries'),
      },
    ).catch((err: unknown) => {
      const e = upstreamError(err);
      if (isUpstreamFailure(e) && !signal?.aborted) this.statsValue.add('upstreamFailures');
      throw e;
    });
    return assembleFromFrames(query, frames);
  }

  /** Drops the cached chunks a written frame touches and detaches in-flight fetches of them. */
  private invalidate(dataset: DatasetInfo, frame: SeriesFrame): void {
    const n = frame.timestamps.length;
    if (n === 0) return;
    const span = this.gridOf(dataset).spanOf({ start: frame.timestamps[0]!, end: frame.timestamps[n - 1]! + 1 });
    const key = seriesKey(dataset.name, frame.symbol);
    let dropped = 0;
    for (const c of this.index.loadedIn(key, span)) if (this.cache.delete(key, c)) dropped++;
    this.index.detachInflight(key, span);
    this.statsValue.add('invalidations', dropped);
  }

  private inflightGroups(): Set<FetchGroup> {
    const groups = new Set<FetchGroup>();
    for (const [, extent] of this.index.entries()) for (const g of extent.inflight.values()) groups.add(g);
    return groups;
  }

  private gridOf(dataset: DatasetInfo): ChunkGrid {
    const id = `${dataset.name}\u0000${dataset.frequency}`;
    let grid = this.grids.get(id);
    if (!grid) {
      const bars = this.config.chunkBars[dataset.frequency] ?? this.config.defaultChunkBars;
      this.grids.set(id, (grid = ChunkGrid.forFrequency(dataset.frequency, bars)));
    }
    return grid;
  }

  private assertOpen(): void {
    if (this.stateValue === 'closed') throw new FlorinError('UNAVAILABLE', 'head node is closed');
  }
}
