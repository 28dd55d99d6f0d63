import { inChildSpan, rowBytes, seriesKey, type SeriesFrame } from '@florin/core';
import type { ChunkCache } from './chunk-cache.js';
import { fieldColumn, mergeDelta, splitIntoChunks, type ChunkData } from './chunk-data.js';
import type { SeriesIndex } from './extent-index.js';
import { fieldKey } from './field-key.js';
import type { FetchGroup } from './fetch-group.js';
import type { HeadStats } from './head-stats.js';
import type { InflightBudget } from './inflight-budget.js';
import type { HeadConfig } from './options.js';
import { withRetry } from './retry.js';
import { isUpstreamFailure, remainingMs, upstreamError, type Upstream } from './upstream.js';

/**
 * Runs FetchGroups: takes their estimated bytes from the in-flight budget,
 * reads the group's fields of its symbols over its chunk span with one upstream
 * read (retried on UNAVAILABLE), cuts the answer into one chunk per field, caches the
 * final ones whose in-flight mark still belongs to the group, and settles the
 * group. Failures are never cached; the index forgets the group either way.
 */
export class ChunkFetcher {
  constructor(
    private readonly upstream: Upstream,
    private readonly index: SeriesIndex,
    private readonly cache: ChunkCache,
    private readonly budget: InflightBudget,
    private readonly stats: HeadStats,
    private readonly config: HeadConfig,
  ) {}

  /** Estimated bytes of a group's answer: every bar of its span for every symbol and field it fetches. */
  estimateBytes(group: FetchGroup): number {
    const rows = group.grid.estimateRows(rangeOfGroup(group));
    return rows * group.symbols.length * rowBytes(group.fields.length);
  }

  /** Starts the group's fetch in the background; its outcome is the group's promise. */
  launch(group: FetchGroup): void {
    // A child of the read whose flush planned it (the first read that waited); its shard read is the next hop of the trace.
    void inChildSpan(
      'florin.head.fetch',
      {
        'florin.role': 'head',
        'florin.dataset': group.dataset.name,
        'florin.fetch.symbols': group.symbols.length,
        'florin.fetch.chunks': group.span.end - group.span.first,
        'florin.cache.result': 'miss',
      },
      () => this.run(group),
    );
  }

  /** Forgets the in-flight marks a group still holds (it failed, or everyone left). */
  forget(group: FetchGroup): void {
    for (const symbol of group.symbols) {
      const series = seriesKey(group.dataset.name, symbol);
      for (const field of group.fields) {
        const key = fieldKey(series, field);
        for (let c = group.span.first; c < group.span.end; c++) this.index.clearInflight(key, c, group);
      }
    }
  }

  private async run(group: FetchGroup): Promise<void> {
    let release: (() => void) | undefined;
    try {
      release = await this.budget.acquire(this.estimateBytes(group), group.signal);
      // What is older than this when the read goes out is settled: it may be cached, the rest not.
      const settledBefore = this.config.now() - this.config.freshnessMs;
      const frames = await withRetry((deadlineMs) => this.readOnce(group, deadlineMs), {
        policy: this.config.retry,
        signal: group.signal,
        deadlineMs: () => group.deadlineMs,
        onRetry: () => this.stats.add('upstreamRetries'),
      });
      if (group.settled) return;
      group.fulfil(this.keep(group, frames, settledBefore));
    } catch (err) {
      if (group.settled) return;
      const e = upstreamError(err);
      if (isUpstreamFailure(e)) this.stats.add('upstreamFailures');
      this.forget(group);
      group.fail(e);
    } finally {
      release?.();
    }
  }

  private async readOnce(group: FetchGroup, deadlineMs: number): Promise<SeriesFrame[]> {
    const range = rangeOfGroup(group);
    const options = { signal: group.signal, deadlineMs: remainingMs(deadlineMs) };
    this.stats.add('upstreamRequests');
    const frames = await this.upstream.read(
      { dataset: group.dataset.name, symbols: group.symbols, fields: group.fields, range },
      options,
    );
    let rows = 0;
    for (const f of frames) rows += f.timestamps.length;
    this.stats.add('upstreamPoints', rows * group.fields.length);
    return frames;
  }

  /**
   * Cuts the answer into one single-field chunk per (symbol, field, chunk)
   * (for a delta fetch: cached settled part + delta), and caches what this
   * group still owns: whole chunks older than `settledBefore`, and of the
   * chunk reaching past it its rows before it.
   */
  private keep(group: FetchGroup, frames: readonly SeriesFrame[], settledBefore: number): Map<string, ChunkData[]> {
    const bySymbol = new Map<string, SeriesFrame>();
    for (const f of frames) bySymbol.set(f.symbol, f);
    const result = new Map<string, ChunkData[]>();
    const { grid, span } = group;
    for (const symbol of group.symbols) {
      const frame = bySymbol.get(symbol);
      const series = seriesKey(group.dataset.name, symbol);
      for (let f = 0; f < group.fields.length; f++) {
        const field = group.fields[f]!;
        const key = fieldKey(series, field);
        const column = frame && fieldColumn(frame, f);
        const base = group.delta?.bases.get(key);
        const chunks = base
          ? [
              mergeDelta(base.data, base.validTo, grid.startOf(span.first + 1), column),
              ...(span.end - span.first > 1 ? splitIntoChunks(column, grid, { first: span.first + 1, end: span.end }, 1) : []),
            ]
          : splitIntoChunks(column, grid, span, 1);
        result.set(key, chunks);
        for (let i = 0; i < chunks.length; i++) {
          const c = span.first + i;
          // A write since the fetch began took the mark away: this data may be stale, so it is served, not kept.
          if (!this.index.clearInflight(key, c, group)) continue;
          this.cache.keepSettled(key, c, chunks[i]!, grid.startOf(c), grid.startOf(c + 1), settledBefore);
        }
      }
    }
    return result;
  }
}

/** The time range a group reads upstream: its chunks, or for a delta fetch only what lies beyond the cached part. */
function rangeOfGroup(group: FetchGroup): { start: number; end: number } {
  const range = group.grid.rangeOf(group.span);
  return group.delta ? { start: group.delta.from, end: range.end } : range;
}
