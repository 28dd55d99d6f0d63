import type { TimeRange } from '@florin/core';
import type { SeriesQuery } from '@florin/client';
import { Sfc32 } from '@florin/store';

/** What the load test reads from: one dataset's symbols, fields and time range. */
export interface LoadUniverse {
  readonly dataset: string;
  /** Fields every request reads (all of the dataset's by default, see universeFromMarket). */
  readonly fields: readonly string[];
  /** Symbols requests draw from. */
  readonly symbols: readonly string[];
  /** The dataset's time range [first bar, last bar + one bar); every window lies inside it. */
  readonly range: TimeRange;
  /** Bar width in ms (from the dataset's frequency); window bounds are whole bars from range.start. */
  readonly barMs: number;
}

/** The shape of the random requests. */
export interface WorkloadShape {
  /** Distinct symbols per request (capped at the universe size). */
  readonly symbolsPerRequest: number;
  /** Shortest window, in bars. Window lengths are log-uniform between this and the whole range. */
  readonly minWindowBars: number;
  /** Seed: request i is a pure function of (seed, i, universe, shape). */
  readonly seed: number;
}

/**
 * The load test's deterministic request stream. Request i picks
 * `symbolsPerRequest` distinct symbols uniformly from the universe and one
 * window: a length log-uniform between minWindowBars and the whole range (a
 * month, a year and ten years are all common research windows), at a
 * uniform start such that the window lies inside the range. Every request is
 * computed from (seed, i) alone, so the same seed gives the same requests in
 * every mode and at any concurrency.
 */
export class LoadWorkload {
  readonly totalBars: number;
  readonly symbolsPerRequest: number;
  private readonly minBars: number;

  constructor(
    readonly universe: LoadUniverse,
    readonly shape: WorkloadShape,
  ) {
    const { range, barMs, symbols, fields } = universe;
    if (!Number.isSafeInteger(barMs) || barMs <= 0) throw new RangeError(`barMs must be a positive integer, got ${barMs}`);
    if (!(range.end > range.start)) throw new RangeError(`the universe's range is empty: [${range.start}, ${range.end})`);
    if (symbols.length === 0) throw new RangeError('the universe has no symbols');
    if (fields.length === 0) throw new RangeError('the universe has no fields');
    if (!Number.isSafeInteger(shape.symbolsPerRequest) || shape.symbolsPerRequest < 1) {
      throw new RangeError(`symbolsPerRequest must be a positive integer, got ${shape.symbolsPerRequest}`);
    }
    if (!Number.isSafeInteger(shape.minWindowBars) || shape.minWindowBars < 1) {
      throw new RangeError(`minWindowBars must be a positive integer, got ${shape.minWindowBars}`);
    }
    this.totalBars = Math.ceil((range.end - range.start) / barMs);
    this.symbolsPerRequest = Math.min(shape.symbolsPerRequest, symbols.length);
    this.minBars = Math.min(shape.minWindowBars, this.totalBars);
  }

  /** Request i (any i >= 0). */
  query(i: number): SeriesQuery {
    const random = new Sfc32(this.shape.seed, i);
    return {
      dataset: this.universe.dataset,
      symbols: this.pickSymbols(random),
      fields: this.universe.fields,
      range: this.pickWindow(random),
    };
  }

  /** Floyd's algorithm: k distinct indices, uniformly, in draw order. */
  private pickSymbols(random: Sfc32): string[] {
    const { symbols } = this.universe;
    const n = symbols.length;
    const chosen = new Set<number>();
    const out: string[] = [];
    for (let j = n - this.symbolsPerRequest; j < n; j++) {
      const t = random.nextInt(j + 1);
      const pick = chosen.has(t) ? j : t;
      chosen.add(pick);
      out.push(symbols[pick]!);
    }
    return out;
  }

  private pickWindow(random: Sfc32): TimeRange {
    const { range, barMs } = this.universe;
    const logMin = Math.log(this.minBars);
    const logMax = Math.log(this.totalBars);
    const bars = Math.min(this.totalBars, Math.max(this.minBars, Math.round(Math.exp(random.uniform(logMin, logMax)))));
    const offset = random.nextInt(this.totalBars - bars + 1);
    const start = range.start + offset * barMs;
    return { start, end: Math.min(range.end, start + bars * barMs) };
  }
}
