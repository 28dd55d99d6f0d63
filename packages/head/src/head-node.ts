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
import { CacheUpkeep, type InflightFetch } from './cache-upkeep.js';
import { ChunkCache } from './chunk-cache.js';
import { ChunkFetcher } from './chunk-fetcher.js';
import { ChunkGrid, type ChunkSpan } from './chunk-grid.js';
import { Coalescer } from './coalescer.js';
import { DatasetCatalog } from './dataset-catalog.js';
import { SeriesIndex } from './extent-index.js';
import { HeadStats, type HeadStatsSnapshot } from './head-stats.js';
import { InflightBudget } from './inflight-budget.js';
import { resolveHeadOptions, type HeadConfig, type HeadOptions } from './options.js';
import { ReadPlanner } from './read-planner.js';
import { assembleFromChunks, assembleFromFrames, type HeadReadResult } from './read-result.js';
import { ReadTicket } from './read-ticket.js';
import { withRetry } from './retry.js';
import { isUpstreamFailure, remainingMs, upstreamError, type Upstream, type UpstreamWrite } from './upstream.js';
import { WriteOverlap } from './write-overlap.js';
import { PeerCalls, mergeParts } from './peer-calls.js';
import { PeerSet } from './peer-set.js';

export type HeadNodeState = 'open' | 'closed';

/** Per-call options of HeadNode methods. */
export interface HeadCallOptions {
  /** Cancels the call for this caller only. */
  signal?: AbortSignal;
  /** Absolute deadline (epoch ms). Default: now + limits.defaultDeadlineMs. */
  deadlineAt?: number;
  /** Set when another head forwarded the call (its id): served here, never forwarded again. */
  fromPeer?: string;
}

export interface HeadReadOptions extends HeadCallOptions {
  /** False bypasses the cache and aggregation for this read ("florin-coalesce: off"). */
  coalesce?: boolean;
}

export type { InflightFetch } from './cache-upkeep.js';

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
  private readonly writes = new WriteOverlap();
  private readonly cache: ChunkCache;
  private readonly budget: InflightBudget;
  /** Bytes of answers serialized and queued for callers (answer-writer.ts). */
  readonly answerBudget: InflightBudget;
  /** Slots of callers' reads being served (one each; read-handler.ts). */
  readonly readSlots: InflightBudget;
  private readonly statsValue: HeadStats;
  private readonly planner: ReadPlanner;
  private readonly coalescer: Coalescer;
  private readonly grids = new Map<string, ChunkGrid>();
  private readonly peers: PeerSet | undefined;
  private readonly peerCalls: PeerCalls | undefined;
  private readonly upkeep: CacheUpkeep;
  private stateValue: HeadNodeState = 'open';

  constructor(
    readonly upstream: Upstream,
    options: HeadOptions = {},
  ) {
    this.config = resolveHeadOptions(options);
    this.catalog = new DatasetCatalog(upstream);
    this.cache = new ChunkCache(this.config.cacheMaxBytes, this.index);
    this.budget = new InflightBudget(this.config.maxInflightBytes);
    this.answerBudget = new InflightBudget(this.config.maxAnswerBytes);
    this.readSlots = new InflightBudget(this.config.maxReads);
    this.statsValue = new HeadStats(this.config.nodeId, {
      cacheBytes: () => this.cache.bytes,
      cacheMaxBytes: () => this.config.cacheMaxBytes,
      cacheEntries: () => this.cache.entries,
      evictions: () => this.cache.evictions,
      inflightBytes: () => this.budget.used,
    });
    this.upkeep = new CacheUpkeep(this.index, this.cache, this.statsValue, (dataset) => this.gridOf(dataset));
    const fetcher = new ChunkFetcher(upstream, this.index, this.cache, this.budget, this.statsValue, this.config);
    this.planner = new ReadPlanner(upstream, this.index, this.cache, fetcher, this.statsValue, this.config);
    this.coalescer = new Coalescer(this.config.lingerMs, (tickets) => this.planner.flush(tickets));
    const membership = this.config.membership;
    this.peers = membership ? new PeerSet(membership, this.config.limits, () => this.dropUnowned(), this.config.clientSecurity) : undefined;
    this.peerCalls = this.peers ? new PeerCalls(this.peers, this.statsValue, this.config.retry) : undefined;
  }

  /** True when this head owns (dataset, symbol) in its current view of the membership. */
  owns(dataset: string, symbol: string): boolean {
    return this.peers ? this.peers.owns(seriesKey(dataset, symbol)) : true;
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

  /**
   * Reads a batch of series: validated like a shard read. Keys this head owns
   * are answered from cache and coalesced fetches; the others are asked of
   * their owning heads (one peer Read per owner, in parallel), merged back in
   * request order. An owner that stays unreachable is replaced by the shards
   * (uncached). A read another head forwarded is served here whatever the ring says.
   */
  async read(input: ReadQueryInput, options: HeadReadOptions = {}): Promise<HeadReadResult> {
    this.assertOpen();
    this.statsValue.add('requests');
    const started = performance.now();
    const deadlineAt = options.deadlineAt ?? Date.now() + this.config.limits.defaultDeadlineMs;
    if (input.dataset && !this.catalog.lookup(input.dataset)) await this.catalog.resolve(input.dataset, deadlineAt);
    const query = validateReadQuery(input, (name) => this.catalog.lookup(name), this.config.limits);
    const byOwner = this.ownersOf(query);
    let result: HeadReadResult;
    if (byOwner.size === 1 && byOwner.has(this.config.nodeId)) {
      result = await this.readLocal(query, options, deadlineAt);
    } else if (options.fromPeer !== undefined) {
      // Forwarded by a head whose view of the membership differs: served, but not cached here.
      result = await this.readDirect(query, options.signal, deadlineAt);
    } else {
      result = await this.readSplit(query, byOwner, options, deadlineAt);
    }
    checkPointLimit(result.points, this.config.limits);
    this.statsValue.add('pointsServed', result.points);
    this.statsValue.recordRead(performance.now() - started);
    return result;
  }

  private readLocal(query: ReadQuery, options: HeadReadOptions, deadlineAt: number): Promise<HeadReadResult> {
    const grid = this.gridOf(query.dataset);
    const span = grid.spanOf(query.range);
    const aggregate = this.config.coalesce && options.coalesce !== false && span.end - span.first <= this.config.maxChunksPerSeries;
    return aggregate ? this.readAggregated(query, grid, span, options.signal, deadlineAt) : this.readDirect(query, options.signal, deadlineAt);
  }

  /** The read's symbols grouped by owning head id (this head's id for its own), each group in request order. */
  private ownersOf(query: ReadQuery): Map<string, string[]> {
    if (!this.peers?.distributed) return new Map([[this.config.nodeId, [...query.symbols]]]);
    return this.peerCalls!.groupByOwner(query.dataset.name, query.symbols, (s) => s);
  }

  /** Own part locally, every other part by one peer Read to its owner, in parallel; merged in request order. */
  private async readSplit(query: ReadQuery, byOwner: Map<string, string[]>, options: HeadReadOptions, deadlineAt: number): Promise<HeadReadResult> {
    // The first part to fail cancels the others.
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(options.signal!.reason);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    const part = { ...options, signal: controller.signal, deadlineAt };
    try {
      const parts = await Promise.all(
        [...byOwner].map(([owner, symbols]) => {
          const q: ReadQuery = { ...query, symbols };
          const answer =
            owner === this.config.nodeId
              ? this.readLocal(q, part, deadlineAt)
              : this.peerCalls!.read(owner, q, part, deadlineAt, () => this.readDirect(q, part.signal, deadlineAt));
          return answer.catch((err: unknown) => {
            controller.abort(err);
            throw err;
          });
        }),
      );
      return mergeParts(query, parts);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Validates a WriteRequest as a whole, then writes each key through the head
   * that owns it: its own keys to the owning shards (dropping the chunks they
   * touched), the others forwarded to their owners (peer writes), so the owner's
   * cache is invalidated before the write is acknowledged. When an owner stays
   * unreachable its part is written to the shards from here.
   */
  async write(request: WriteRequestMessage, options: HeadCallOptions = {}): Promise<number> {
    this.assertOpen();
    const deadlineAt = options.deadlineAt ?? Date.now() + this.config.limits.defaultDeadlineMs;
    if (!request.dataset) throw new FlorinError('INVALID_ARGUMENT', 'dataset is required');
    const dataset = await this.catalog.resolve(request.dataset, deadlineAt);
    if (!dataset) throw notFound(`unknown dataset ${JSON.stringify(request.dataset)}; create it first (CreateDataset)`);
    const frames = decodeWriteRequest(request, dataset, this.config.limits);
    if (frames.length === 0) return 0;
    this.statsValue.add('writes');
    if (!this.peers?.distributed || options.fromPeer !== undefined) return this.writeLocal(dataset, request, frames, options, deadlineAt);
    const byOwner = this.peerCalls!.groupByOwner(dataset.name, frames, (f) => f.symbol);
    const counts = await Promise.all(
      [...byOwner].map(([owner, group]) => {
        if (owner === this.config.nodeId) return this.writeLocal(dataset, request, group, options, deadlineAt);
        // The owner gets this part's blocks as they came (it validates them again and invalidates its cache).
        const symbols = new Set(group.map((f) => f.symbol));
        const part: WriteRequestMessage = { ...request, blocks: request.blocks.filter((b) => symbols.has(b.symbol)) };
        return this.peerCalls!.write(owner, part, options, deadlineAt, () => this.writeLocal(dataset, request, group, options, deadlineAt));
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /**
   * Writes frames to the owning shards and drops the cached chunks they touch.
   * With cacheWrites, the shards are also asked whether those chunks then hold
   * exactly the written rows (no other row of the symbol): the frames of keys
   * this head owns for which they do, and that no other write of the key
   * overlapped here, are cached as written (WriteOverlap says why the overlap matters).
   */
  private async writeLocal(
    dataset: DatasetInfo,
    request: WriteRequestMessage,
    frames: readonly SeriesFrame[],
    options: HeadCallOptions,
    deadlineAt: number,
  ): Promise<number> {
    const keep = this.config.cacheWrites ? frames.filter((f) => this.owns(dataset.name, f.symbol)) : [];
    // As for a fetch: rows newer than this when the write goes out may still be joined by others' writes.
    const settledBefore = this.config.now() - this.config.freshnessMs;
    const inFlight = this.writes.begin(frames.map((f) => seriesKey(dataset.name, f.symbol)));
    let written: UpstreamWrite | undefined;
    try {
      written = await this.upstream.writeChecked(dataset.name, request.fields, frames, {
        signal: options.signal,
        deadlineMs: remainingMs(deadlineAt),
        jobId: request.jobId || undefined,
        // The shard checks the grants again (a head is trusted, but not relied on alone).
        grants: request.grants,
        cover: keep.length > 0 ? this.upkeep.chunkRangeOf(dataset, keep) : undefined,
      });
      return written.rowsWritten;
    } catch (err) {
      throw upstreamError(err);
    } finally {
      const alone = this.writes.end(inFlight);
      // Success or not, some shards may have written: what the write touched is no longer known to be current.
      for (const frame of frames) this.upkeep.invalidate(dataset, frame);
      const covered = keep.filter((f) => written?.coveredSymbols.has(f.symbol) && alone.has(seriesKey(dataset.name, f.symbol)) && this.owns(dataset.name, f.symbol));
      if (this.upkeep.keepWritten(dataset, covered, settledBefore, this.config.maxChunksPerSeries)) this.statsValue.add('writesCached');
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
   * Drops cached chunks of `dataset` (one symbol, or all; every field), inside `range` or
   * entirely. Returns how many (chunk, field) entries were dropped. The next read fetches them again.
   */
  evict(dataset: string, symbol?: string, range?: TimeRange): number {
    return this.upkeep.evict(dataset, this.catalog.lookup(dataset), symbol, range);
  }

  /** The upstream fetches in flight (joinable ones), with their waiter counts: for diagnostics and tests. */
  inflightFetches(): InflightFetch[] {
    return this.upkeep.inflightFetches();
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
    for (const g of this.upkeep.inflightGroups()) g.abort(closing);
    this.budget.close();
    this.answerBudget.close();
    this.readSlots.close();
    this.cache.clear();
    this.peers?.close();
  }

  /**
   * After a membership change: drops the cached chunks of keys this head no
   * longer owns and detaches their fetches in flight, so a head that regains a
   * key later never serves what it cached before it lost it.
   */
  private dropUnowned(): void {
    const peers = this.peers;
    if (peers) this.upkeep.dropSeries((series) => peers.owns(series));
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
      // Undefined when the fields of a chunk disagree (a write landed between their fetches): the shards answer this one.
      return assembleFromChunks(ticket) ?? (await this.readDirect(query, signal, deadlineAt));
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
