import { seriesKey, type DatasetInfo, type SeriesFrame, type TimeRange } from '@florin/core';
import type { ChunkCache } from './chunk-cache.js';
import { fieldColumn, splitIntoChunks } from './chunk-data.js';
import type { ChunkGrid, ChunkSpan } from './chunk-grid.js';
import type { SeriesIndex } from './extent-index.js';
import { fieldKey, seriesKeyOf } from './field-key.js';
import type { FetchGroup } from './fetch-group.js';
import type { HeadStats } from './head-stats.js';

/** An upstream fetch in flight, as inflightFetches() describes it. */
export interface InflightFetch {
  readonly dataset: string;
  readonly shard: number;
  readonly symbols: readonly string[];
  readonly fields: readonly string[];
  readonly range: TimeRange;
  readonly waiters: number;
}

const EVERY_CHUNK: ChunkSpan = { first: -Infinity, end: Infinity };

/**
 * What keeps a head's cache true to the shards: dropping the chunks a write
 * touched (and detaching fetches of them still in flight, so their answers are
 * not cached), the chunks of keys the head no longer owns, and chunks an
 * operator evicts; and the fetches in flight, for diagnostics and closing.
 */
export class CacheUpkeep {
  constructor(
    private readonly index: SeriesIndex,
    private readonly cache: ChunkCache,
    private readonly stats: HeadStats,
    private readonly gridOf: (dataset: DatasetInfo) => ChunkGrid,
  ) {}

  /**
   * Drops the cached chunks a written frame touches, of every field of the
   * dataset (a write adds rows to all of them), and detaches in-flight fetches of them.
   */
  invalidate(dataset: DatasetInfo, frame: SeriesFrame): void {
    const n = frame.timestamps.length;
    if (n === 0) return;
    const span = this.gridOf(dataset).spanOf({ start: frame.timestamps[0]!, end: frame.timestamps[n - 1]! + 1 });
    const series = seriesKey(dataset.name, frame.symbol);
    let dropped = 0;
    for (const field of dataset.fields) {
      const key = fieldKey(series, field);
      dropped += this.dropLoaded(key, span);
      this.index.detachInflight(key, span);
    }
    this.stats.add('invalidations', dropped);
  }

  /**
   * Caches frames written through this head (every field of the dataset)
   * whose rows are, once written, all the chunks they touch hold for their
   * symbol, as the shard answered (WriteResponse.covered), as if fetched
   * (the settled part only, as a fetch would). Runs right after the write's
   * invalidate(), in the same turn. A frame spanning more chunks than a read
   * would cache is left out. True when any frame was cached.
   */
  keepWritten(dataset: DatasetInfo, frames: readonly SeriesFrame[], settledBefore: number, maxChunks: number): boolean {
    const grid = this.gridOf(dataset);
    let kept = false;
    for (const frame of frames) {
      const n = frame.timestamps.length;
      if (n === 0) continue;
      const span = grid.spanOf({ start: frame.timestamps[0]!, end: frame.timestamps[n - 1]! + 1 });
      if (span.end - span.first > maxChunks) continue;
      const series = seriesKey(dataset.name, frame.symbol);
      for (let f = 0; f < frame.fields.length; f++) {
        const chunks = splitIntoChunks(fieldColumn(frame, f), grid, span, 1);
        for (let i = 0; i < chunks.length; i++) {
          const c = span.first + i;
          this.cache.keepSettled(fieldKey(series, frame.fields[f]!), c, chunks[i]!, grid.startOf(c), grid.startOf(c + 1), settledBefore);
        }
      }
      kept = true;
    }
    return kept;
  }

  /** The time range of the whole chunks the frames' rows fall in (what a write asks the shards to cover). */
  chunkRangeOf(dataset: DatasetInfo, frames: readonly SeriesFrame[]): TimeRange {
    let start = Infinity;
    let end = -Infinity;
    for (const f of frames) {
      const n = f.timestamps.length;
      if (n === 0) continue;
      start = Math.min(start, f.timestamps[0]!);
      end = Math.max(end, f.timestamps[n - 1]! + 1);
    }
    const grid = this.gridOf(dataset);
    return grid.rangeOf(grid.spanOf({ start, end }));
  }

  /**
   * Drops cached chunks of `dataset` (one symbol, or all; every field), inside `range` or
   * entirely (`info` gives the chunk grid; without it every chunk goes). Returns how many
   * (chunk, field) entries were dropped.
   */
  evict(dataset: string, info: DatasetInfo | undefined, symbol?: string, range?: TimeRange): number {
    const span: ChunkSpan = range && info ? this.gridOf(info).spanOf(range) : EVERY_CHUNK;
    const prefix = seriesKey(dataset, '');
    const series = symbol !== undefined ? seriesKey(dataset, symbol) : undefined;
    const keys = [...this.index.entries()]
      .map(([k]) => k)
      .filter((k) => (series !== undefined ? seriesKeyOf(k) === series : k.startsWith(prefix)));
    let dropped = 0;
    for (const key of keys) dropped += this.dropLoaded(key, span);
    return dropped;
  }

  /** Drops the cached chunks of every series `keep` refuses (by series key) and detaches their fetches in flight. */
  dropSeries(keep: (series: string) => boolean): void {
    for (const [key] of [...this.index.entries()]) {
      if (keep(seriesKeyOf(key))) continue;
      this.dropLoaded(key, EVERY_CHUNK);
      this.index.detachInflight(key, EVERY_CHUNK);
    }
  }

  /** Drops the cached chunks of field key `key` inside `span`; returns how many were cached. */
  private dropLoaded(key: string, span: ChunkSpan): number {
    let dropped = 0;
    for (const c of this.index.loadedIn(key, span)) if (this.cache.delete(key, c)) dropped++;
    return dropped;
  }

  /** The joinable upstream fetches in flight. */
  inflightGroups(): Set<FetchGroup> {
    const groups = new Set<FetchGroup>();
    for (const [, extent] of this.index.entries()) for (const g of extent.inflight.values()) groups.add(g);
    return groups;
  }

  /** The upstream fetches in flight (joinable ones), with their waiter counts. */
  inflightFetches(): InflightFetch[] {
    const out: InflightFetch[] = [];
    for (const g of this.inflightGroups()) {
      out.push({ dataset: g.dataset.name, shard: g.shard, symbols: g.symbols, fields: g.fields, range: g.grid.rangeOf(g.span), waiters: g.waiterCount });
    }
    return out;
  }
}
