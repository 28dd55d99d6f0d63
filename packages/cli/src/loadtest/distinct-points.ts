import type { SeriesFrame } from '@florin/core';
import type { LoadUniverse } from './workload.js';

/** The rows seen of one symbol: a bitmap over the universe's bar grid, a set for rows off it. */
interface SeenRows {
  readonly bits: Uint8Array;
  offGrid: Set<number> | undefined;
}

/**
 * Counts distinct (symbol, timestamp) rows over every answer of a run,
 * exactly: one bit per bar of the universe's range per symbol (a 10-year
 * daily series is 460 bytes), so marking a row costs a few ns; timestamps
 * off the bar grid or outside the range fall back to a per-symbol Set.
 * Distinct points = distinct rows x fields read.
 */
export class DistinctPoints {
  private readonly seen = new Map<string, SeenRows>();
  private readonly bars: number;
  private rowsValue = 0;

  constructor(private readonly universe: LoadUniverse) {
    this.bars = Math.ceil((universe.range.end - universe.range.start) / universe.barMs);
  }

  /** Distinct rows seen so far. */
  get rows(): number {
    return this.rowsValue;
  }

  /** Distinct points: rows x the number of fields every request reads. */
  get points(): number {
    return this.rowsValue * this.universe.fields.length;
  }

  /** Marks every row of these frames as seen. */
  add(frames: readonly SeriesFrame[]): void {
    const { start, end } = this.universe.range;
    const barMs = this.universe.barMs;
    for (const frame of frames) {
      const ts = frame.timestamps;
      if (ts.length === 0) continue;
      const seen = this.rowsOf(frame.symbol);
      const bits = seen.bits;
      let added = 0;
      for (let i = 0; i < ts.length; i++) {
        const t = ts[i]!;
        const bar = (t - start) / barMs;
        if (t >= start && t < end && Number.isInteger(bar)) {
          const byte = bar >>> 3;
          const mask = 1 << (bar & 7);
          if ((bits[byte]! & mask) === 0) {
            bits[byte] = bits[byte]! | mask;
            added++;
          }
        } else {
          const off = (seen.offGrid ??= new Set());
          if (!off.has(t)) {
            off.add(t);
            added++;
          }
        }
      }
      this.rowsValue += added;
    }
  }

  private rowsOf(symbol: string): SeenRows {
    let s = this.seen.get(symbol);
    if (!s) this.seen.set(symbol, (s = { bits: new Uint8Array((this.bars + 7) >>> 3), offGrid: undefined }));
    return s;
  }
}
