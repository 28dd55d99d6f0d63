import { seriesKey, setSpanAttributes, type DatasetInfo } from '@florin/core';
import type { CachedChunk, ChunkCache } from './chunk-cache.js';
import type { ChunkFetcher } from './chunk-fetcher.js';
import { chunkRuns, splitRun, type ChunkGrid, type ChunkSpan } from './chunk-grid.js';
import type { SeriesIndex } from './extent-index.js';
import { fieldKey } from './field-key.js';
import { FetchGroup } from './fetch-group.js';
import type { HeadStats } from './head-stats.js';
import type { HeadConfig } from './options.js';
import type { ReadTicket } from './read-ticket.js';
import type { Upstream } from './upstream.js';

/** Missing chunks of one field of one series (a field key), gathered over every read of one flush. */
interface Need {
  readonly dataset: DatasetInfo;
  readonly grid: ChunkGrid;
  readonly symbol: string;
  readonly field: string;
  readonly chunks: Set<number>;
  /** Chunks whose settled part is cached: only the delta beyond it is fetched. */
  readonly bases: Map<number, CachedChunk>;
}

/**
 * Decides where each chunk of each field of a read comes from (the cache and
 * the in-flight index hold one entry per dataset, symbol, field and chunk). On
 * arrival a read takes what the cache holds and joins fetches already in
 * flight; if anything is still missing it waits in the Coalescer, and at the
 * flush the missing chunks of every waiting read are merged per field key into
 * runs, runs of the same shard, span and field are batched into one upstream
 * read of many symbols, and batches of one shard and span naming the same
 * symbols become one read of several fields (split to respect the limits);
 * each read waits on the fetches that bring its chunks. Only the fields a
 * read asks for are fetched.
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
    const width = ticket.fieldCount;
    // Hits, partial hits and misses count per symbol (over all its fields), chunk counts per field.
    for (let first = 0; first < ticket.keys.length; first += width) {
      let cached = 0;
      let joined = 0;
      let total = 0;
      for (let row = first; row < first + width; row++) {
        const slots = ticket.slots[row]!;
        const key = ticket.keys[row]!;
        total += slots.length;
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
      }
      if (cached === total) this.stats.add('cacheHits');
      else if (cached > 0 || joined > 0) this.stats.add('cachePartialHits');
      else this.stats.add('cacheMisses');
      hits += cached;
      joins += joined;
      misses += total - cached - joined;
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
          need = {
            dataset: t.query.dataset,
            grid: t.grid,
            symbol: t.symbolOf(row),
            field: t.query.fields[row % t.fieldCount]!,
            chunks: new Set(),
            bases: new Map(),
          };
          needs.set(key, need);
        }
        if (entry) need.bases.set(c, entry);
        else need.chunks.add(c);
      }
    }
  }

  /**
   * Turns the needs into fetch groups: contiguous runs per field key (cut so
   * one read stays under the point limit), batched by (shard, run, field) into
   * reads of many symbols; batches of one (shard, run) naming the same symbols
   * merge into one read of their fields. Each (symbol, field, chunk) is
   * registered in the index as in flight.
   */
  private createGroups(needs: ReadonlyMap<string, Need>): FetchGroup[] {
    const limits = this.config.limits;
    // First: they take the missing chunks that follow a cached settled part into their own read.
    const groups: FetchGroup[] = this.createDeltaGroups(needs);
    const batches = new Map<string, Batch>();
    for (const need of needs.values()) {
      const maxChunks = Math.max(1, Math.floor(limits.maxPointsPerRequest / chunkPoints(need)));
      const shard = this.upstream.shardOf(need.dataset.name, need.symbol);
      for (const run of chunkRuns([...need.chunks].sort((a, b) => a - b))) {
        for (const span of splitRun(run, maxChunks)) {
          const id = `${need.dataset.name}\u0000${shard}\u0000${span.first}\u0000${span.end}\u0000${need.field}`;
          let batch = batches.get(id);
          if (!batch) batches.set(id, (batch = { need, shard, span, field: need.field, symbols: [], bases: new Map() }));
          batch.symbols.push(need.symbol);
        }
      }
    }
    for (const { need, shard, span, symbols, fields } of mergeFields(batches.values(), limits.maxPointsPerRequest)) {
      const perSymbol = chunkPoints(need) * fields.length * (span.end - span.first);
      const maxSymbols = Math.max(1, Math.min(limits.maxSymbolsPerRequest, Math.floor(limits.maxPointsPerRequest / perSymbol)));
      for (let at = 0; at < symbols.length; at += maxSymbols) {
        const group = new FetchGroup(need.dataset, need.grid, shard, symbols.slice(at, at + maxSymbols), fields, span, (g) => this.fetcher.forget(g));
        this.markInflight(group);
        groups.push(group);
      }
    }
    return groups;
  }

  /**
   * Delta fetches: a chunk whose settled part is cached is read from its
   * settled end on, together with the missing chunks right after it (the
   * future part of a read "up to now"), in one read; batched per (shard,
   * span, field) into reads of many symbols, merged across fields like full
   * fetches. Takes those chunks out of `needs`.
   */
  private createDeltaGroups(needs: ReadonlyMap<string, Need>): FetchGroup[] {
    const limits = this.config.limits;
    const batches = new Map<string, Batch>();
    for (const [key, need] of needs) {
      if (need.bases.size === 0) continue;
      const shard = this.upstream.shardOf(need.dataset.name, need.symbol);
      const maxChunks = Math.max(1, Math.floor(limits.maxPointsPerRequest / chunkPoints(need)));
      for (const [chunk, base] of need.bases) {
        let end = chunk + 1;
        while (end - chunk < maxChunks && need.chunks.delete(end)) end++;
        const span = { first: chunk, end };
        const id = `${need.dataset.name}\u0000${shard}\u0000${chunk}\u0000${end}\u0000${need.field}`;
        let batch = batches.get(id);
        if (!batch) batches.set(id, (batch = { need, shard, span, field: need.field, symbols: [], bases: new Map() }));
        batch.symbols.push(need.symbol);
        batch.bases.set(key, base);
      }
    }
    const groups: FetchGroup[] = [];
    for (const { need, shard, span, symbols, fields, bases } of mergeFields(batches.values(), limits.maxPointsPerRequest)) {
      const perSymbol = chunkPoints(need) * fields.length * (span.end - span.first);
      const maxSymbols = Math.max(1, Math.min(limits.maxSymbolsPerRequest, Math.floor(limits.maxPointsPerRequest / perSymbol)));
      for (let at = 0; at < symbols.length; at += maxSymbols) {
        const part = symbols.slice(at, at + maxSymbols);
        const partBases = new Map<string, CachedChunk>();
        let from = Infinity;
        for (const symbol of part) {
          const series = seriesKey(need.dataset.name, symbol);
          for (const field of fields) {
            const key = fieldKey(series, field);
            const base = bases.get(key)!;
            partBases.set(key, base);
            from = Math.min(from, base.validTo);
          }
        }
        const group = new FetchGroup(need.dataset, need.grid, shard, part, fields, span, (g) => this.fetcher.forget(g), { from, bases: partBases });
        this.markInflight(group);
        groups.push(group);
      }
    }
    return groups;
  }

  private markInflight(group: FetchGroup): void {
    for (const symbol of group.symbols) {
      const series = seriesKey(group.dataset.name, symbol);
      for (const field of group.fields) {
        const key = fieldKey(series, field);
        for (let c = group.span.first; c < group.span.end; c++) this.index.setInflight(key, c, group);
      }
    }
  }
}

/** The symbols of one dataset, shard, span and field that miss it (with their cached settled parts, by field key, for a delta). */
interface Batch {
  readonly need: Need;
  readonly shard: number;
  readonly span: ChunkSpan;
  readonly field: string;
  readonly symbols: string[];
  readonly bases: Map<string, CachedChunk>;
}

/** Batches of one dataset, shard and span naming the same symbols, as one read of their fields (catalog order). */
interface FieldsBatch {
  readonly need: Need;
  readonly shard: number;
  readonly span: ChunkSpan;
  readonly symbols: readonly string[];
  readonly fields: string[];
  readonly bases: Map<string, CachedChunk>;
}

/**
 * Merges batches that differ only in their field: every (symbol, field) pair
 * of the result was missing, so a read of several fields fetches nothing twice.
 * A merged read keeps one symbol's span under `maxPoints` (fields beyond that
 * go to another read of the same symbols).
 */
function mergeFields(batches: Iterable<Batch>, maxPoints: number): FieldsBatch[] {
  const merged = new Map<string, FieldsBatch>();
  for (const b of batches) {
    const id = `${b.need.dataset.name}\u0000${b.shard}\u0000${b.span.first}\u0000${b.span.end}\u0000${b.symbols.join('\u0000')}`;
    const into = merged.get(id);
    if (!into) {
      merged.set(id, { need: b.need, shard: b.shard, span: b.span, symbols: b.symbols, fields: [b.field], bases: new Map(b.bases) });
      continue;
    }
    into.fields.push(b.field);
    for (const [k, v] of b.bases) into.bases.set(k, v);
  }
  const out: FieldsBatch[] = [];
  for (const m of merged.values()) {
    const order = m.need.dataset.fields;
    m.fields.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    const step = Math.max(1, Math.floor(maxPoints / (chunkPoints(m.need) * (m.span.end - m.span.first))));
    for (let at = 0; at < m.fields.length; at += step) out.push({ ...m, fields: m.fields.slice(at, at + step) });
  }
  return out;
}

/** True when a cached entry holds every row of chunk `c` the ticket's range asks for. */
function covers(entry: CachedChunk, ticket: ReadTicket, c: number): boolean {
  return entry.validTo >= Math.min(ticket.grid.startOf(c + 1), ticket.query.range.end);
}

/** Estimated points one chunk of one field of one symbol holds (bars per chunk). */
function chunkPoints(need: Need): number {
  return Math.max(1, Math.ceil(need.grid.spanMs / need.grid.barMs));
}
