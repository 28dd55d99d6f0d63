import { frequencyMs, type TimeRange } from '@florin/core';

/** A run of chunks [first, end) on a grid (chunk indices, end exclusive). */
export interface ChunkSpan {
  readonly first: number;
  readonly end: number;
}

/**
 * The epoch-aligned grid a dataset's series are fetched and cached on: chunk
 * `i` covers [i * spanMs, (i + 1) * spanMs). Nearby reads land on the same
 * chunks, so they share fetches and cache entries.
 */
export class ChunkGrid {
  constructor(
    /** Width of one chunk, in ms. */
    readonly spanMs: number,
    /** Bar width of the dataset, in ms (used to estimate rows). */
    readonly barMs: number,
  ) {
    if (!Number.isSafeInteger(spanMs) || spanMs <= 0) throw new RangeError(`chunk span must be a positive integer of ms, got ${spanMs}`);
  }

  /** The grid of a dataset of `frequency`, `bars` bars per chunk. */
  static forFrequency(frequency: string, bars: number): ChunkGrid {
    const bar = frequencyMs(frequency);
    return new ChunkGrid(bar * bars, bar);
  }

  /** The chunk holding time `t`. */
  chunkOf(t: number): number {
    return Math.floor(t / this.spanMs);
  }

  /** The chunks a half-open range touches. */
  spanOf(r: TimeRange): ChunkSpan {
    return { first: this.chunkOf(r.start), end: Math.floor((r.end - 1) / this.spanMs) + 1 };
  }

  /** Start of chunk `i`. */
  startOf(i: number): number {
    return i * this.spanMs;
  }

  /** The time range of chunks [first, end). */
  rangeOf(span: ChunkSpan): TimeRange {
    return { start: span.first * this.spanMs, end: span.end * this.spanMs };
  }

  /** Most rows a range of this grid can hold if bars are regular (an upper estimate). */
  estimateRows(r: TimeRange): number {
    return Math.ceil((r.end - r.start) / this.barMs);
  }
}

/** Splits sorted, distinct chunk indices into maximal runs of consecutive chunks. */
export function chunkRuns(sorted: readonly number[]): ChunkSpan[] {
  const runs: ChunkSpan[] = [];
  let first = NaN;
  let prev = NaN;
  for (const c of sorted) {
    if (c === prev + 1) {
      prev = c;
      continue;
    }
    if (!Number.isNaN(first)) runs.push({ first, end: prev + 1 });
    first = c;
    prev = c;
  }
  if (!Number.isNaN(first)) runs.push({ first, end: prev + 1 });
  return runs;
}

/** Cuts a run into pieces of at most `maxChunks` chunks each. */
export function splitRun(run: ChunkSpan, maxChunks: number): ChunkSpan[] {
  const step = Math.max(1, Math.floor(maxChunks));
  const out: ChunkSpan[] = [];
  for (let first = run.first; first < run.end; first += step) out.push({ first, end: Math.min(run.end, first + step) });
  return out;
}
