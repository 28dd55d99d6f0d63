import { seriesKey, setSpanAttributes, type DatasetInfo } from '@florin/core';
import type { CachedChunk, ChunkCache } from './chunk-cache.js';
import type { ChunkFetcher } from './chunk-fetcher.js';
import { chunkRuns, splitRun, type ChunkGrid, type ChunkSpan } from './chunk-grid.js';
import type { SeriesIndex } from './extent-index.js';
import { FetchGroup } from './fetch-group.js';
import type { HeadStats } from './head-stats.js';
import type { HeadConfig } from './options.js';
import type { ReadTicket } from './read-ticket.js';
import type { Upstream } from './upstream.js';

/** Missing chunks of one series key, gathered over every read of one flush. */
interface Need {
  readonly dataset: DatasetInfo;
  readonly grid: ChunkGrid;
  readonly symbol: string;
  readonly chunks: Set<number>;
  /** Chunks whose settled part is cached: only the delta beyond it is fetched. */
  readonly bases: Map<number, CachedChunk>;
}

/**
 * Decides where each chunk of a read comes from. On arrival a read takes what
 * the cache holds and joins fetches already in flight; if anything is still
 * missing it waits in the Coalescer, and at the flush the missing chunks of
 * every waiting read are merged per key into runs, runs of the same shard and
 * span are batched into one upstream read (split to respect the limits), and
 * each read waits on the fetches that bring its chunks.
 */
export class ReadPlanner {
  constructor(
    private readonly upstream: Upstream,
    private readonly index: SeriesIndex,
    private readonly cache: ChunkCache,
    private readonly fetcher: ChunkFetcher,
    private readonly stats: HeadStats,
    private readonly config: HeadConfig,
  ) {}

  /** Plans a read as it arrives and records its hit/partial/miss per key. True when chunks are missing. */
  arrive(ticket: ReadTicket): boolean {
    let missing = false;
    let hits = 0;
    let joins = 0;
    let misses = 0;
    for (let row = 0; row < ticket.keys.length; row++) {
      let cached = 0;
      let joined = 0;
      const slots = ticket.slots[row]!;
      const key = ticket.keys[row]!;
      for (let offset = 0; offset < slots.length; offset++) {
        const c = ticket.span.first + offset;
        const entry = this.cache.get(key, c);
        if (entry && covers(entry, ticket, c)) {
          slots[offset] = entry.data;
          cached++;
          continue;
        }
        const group = this.index.inflight(key, c);
        if (group) {
          if (ticket.wait(row, offset, group)) this.stats.add('joins');
          joined++;
        } else {
          if (entry) joined++; // the settled part is cached: only a delta is missing
          missing = true;
        }
      }
      if (cached === slots.length) this.stats.add('cacheHits');
      else if (cached > 0 || joined > 0) this.stats.add('cachePartialHits');
      else this.stats.add('cacheMisses');
      hits += cached;
      joins += joined;
      misses += slots.length - cached - joined;
    }
    // The read's span says how it was answered: every chunk cached, every missing chunk already in flight, nothing there, or a mix.
    setSpanAttributes({
      'florin.cache.result': misses === 0 ? (joins === 0 ? 'hit' : 'join') : hits === 0 && joins === 0 ? 'miss' : 'partial',
      'florin.cache.hit_chunks': hits,
      'florin.cache.joined_chunks': joins,
      'florin.cache.missed_chunks': misses,
    });
    return missing;
  }

  /** Plans every read that waited in the coalescer: one set of upstream fetches for all of them. */
  flush(tickets: readonly ReadTicket[]): void {
    const needs = new Map<string, Need>();
    for (const t of tickets) this.fill(t, needs, true);
    const groups = this.createGroups(needs);
    for (const t of tickets) this.fill(t, undefined, false);
    for (const g of groups) this.fetcher.launch(g);
  }

  /** Fills a ticket's open slots from the cache or in-flight fetches; gathers what is still missing into `needs`. */
  private fill(t: ReadTicket, needs: Map<string, Need> | undefined, countJoins: boolean): void {
    for (let row = 0; row < t.keys.length; row++) {
      const slots = t.slots[row]!;
      const key = t.keys[row]!;
      for (let offset = 0; offset < slots.length; offset++) {
        if (slots[offset] !== undefined) continue;
        const c = t.span.first + offset;
        const entry = this.cache.get(key, c);
        if (entry && covers(entry, t, c)) {
          slots[offset] = entry.data;
          continue;
        }
        const group = this.index.inflight(key, c);
        if (group) {
          if (t.wait(row, offset, group) && countJoins) this.stats.add('joins');
          continue;
        }
        if (!needs) continue;
        let need = needs.get(key);
        if (!need) {
          need = { dataset: t.query.dataset, grid: t.grid, symbol: t.query.symbols[row]!, chunks: new Set(), bases: new Map() };
          needs.set(key, need);
        }
        if (entry) need.bases.set(c, entry);
        else need.chunks.add(c);
      }
    }
  }

  /**
   * Turns the needs into fetch groups: contiguous runs per key (cut so one
   * read stays under the point limit), batched by (shard, run) into reads of
   * many symbols, each registered in the index as in flight.
   */
  private createGroups(needs: ReadonlyMap<string, Need>): FetchGroup[] {
    const limits = this.config.limits;
    // First: they take the missing chunks that follow a cached settled part into their own read.
    const deltaGroups = this.createDeltaGroups(needs);
    const batches = new Map<string, { need: Need; shard: number; span: ChunkSpan; symbols: string[] }>();
    for (const need of needs.values()) {
      const pointsPerChunk = chunkPoints(need);
      const maxChunks = Math.max(1, Math.floor(limits.maxPointsPerRequest / pointsPerChunk));
      const shard = this.upstream.shardOf(need.dataset.name, need.symbol);
      for (const run of chunkRuns([...need.chunks].sort((a, b) => a - b))) {
        for (const span of splitRun(run, maxChunks)) {
          const id = `${need.dataset.name}\u0000${shard}\u0000${span.first}\u0000${span.end}`;
          let batch = batches.get(id);
          if (!batch) batches.set(id, (batch = { need, shard, span, symbols: [] }));
          batch.symbols.push(need.symbol);
        }
      }
    }
    const groups: FetchGroup[] = deltaGroups;
    for (const { need, shard, span, symbols } of batches.values()) {
      const perSymbol = chunkPoints(need) * (span.end - span.first);
      const maxSymbols = Math.max(1, Math.min(limits.maxSymbolsPerRequest, Math.floor(limits.maxPointsPerRequest / perSymbol)));
      for (let at = 0; at < symbols.length; at += maxSymbols) {
        const group = new FetchGroup(need.dataset, need.grid, shard, symbols.slice(at, at + maxSymbols), span, (g) =>
          this.fetcher.forget(g),
        );
        for (const symbol of group.symbols) {
          const key = seriesKey(need.dataset.name, symbol);
          for (let c = span.first; c < span.end; c++) this.index.setInflight(key, c, group);
        }
        groups.push(group);
      }
    }
    return groups;
  }

  /**
   * Delta fetches: a chunk whose settled part is cached is read from its
   * settled end on, together with the missing chunks right after it (the
   * future part of a read "up to now"), in one read; batched per (shard,
   * span) into reads of many symbols. Takes those chunks out of `needs`.
   */
  private createDeltaGroups(needs: ReadonlyMap<string, Need>): FetchGroup[] {
    const limits = this.config.limits;
    const batches = new Map<string, { need: Need; shard: number; span: ChunkSpan; bases: Map<string, CachedChunk> }>();
    for (const need of needs.values()) {
      if (need.bases.size === 0) continue;
      const shard = this.upstream.shardOf(need.dataset.name, need.symbol);
      const maxChunks = Math.max(1, Math.floor(limits.maxPointsPerRequest / chunkPoints(need)));
      for (const [chunk, base] of need.bases) {
        let end = chunk + 1;
        while (end - chunk < maxChunks && need.chunks.delete(end)) end++;
        const span = { first: chunk, end };
        const id = `${need.dataset.name}\u0000${shard}\u0000${chunk}\u0000${end}`;
        let batch = batches.get(id);
        if (!batch) batches.set(id, (batch = { need, shard, span, bases: new Map() }));
        batch.bases.set(need.symbol, base);
      }
    }
    const groups: FetchGroup[] = [];
    for (const { need, shard, span, bases } of batches.values()) {
      const symbols = [...bases.keys()];
      const perSymbol = chunkPoints(need) * (span.end - span.first);
      const maxSymbols = Math.max(1, Math.min(limits.maxSymbolsPerRequest, Math.floor(limits.maxPointsPerRequest / perSymbol)));
      for (let at = 0; at < symbols.length; at += maxSymbols) {
        const part = symbols.slice(at, at + maxSymbols);
        const partBases = new Map(part.map((s) => [s, bases.get(s)!]));
        let from = Infinity;
        for (const b of partBases.values()) from = Math.min(from, b.validTo);
        const group = new FetchGroup(need.dataset, need.grid, shard, part, span, (g) => this.fetcher.forget(g), { from, bases: partBases });
        for (const symbol of part) {
          const key = seriesKey(need.dataset.name, symbol);
          for (let c = span.first; c < span.end; c++) this.index.setInflight(key, c, group);
        }
        groups.push(group);
      }
    }
    return groups;
  }
}

/** True when a cached entry holds every row of chunk `c` the ticket's range asks for. */
function covers(entry: CachedChunk, ticket: ReadTicket, c: number): boolean {
  return entry.validTo >= Math.min(ticket.grid.startOf(c + 1), ticket.query.range.end);
}

/** Estimated points one chunk of one symbol holds (bars per chunk x fields). */
function chunkPoints(need: Need): number {
  const bars = Math.ceil(need.grid.spanMs / need.grid.barMs);
  return Math.max(1, bars * need.dataset.fields.length);
}
