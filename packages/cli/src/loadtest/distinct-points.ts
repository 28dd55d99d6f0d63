import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { SeriesFrame } from '@florin/core';
import type { LoadUniverse } from './workload.js';

/**
 * The rows a DistinctPoints saw, portable (JSON): the bitmaps of the
 * universe's symbols in universe order, concatenated, raw-deflated and
 * base64-encoded; rows off the bar grid as [symbol, timestamp] pairs.
 */
export interface EncodedDistinctPoints {
  readonly bits: string;
  readonly offGrid: readonly (readonly [string, number])[];
}

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

  /** What this saw, to merge into another DistinctPoints of the same universe (merge()). */
  encode(): EncodedDistinctPoints {
    const bytes = (this.bars + 7) >>> 3;
    const { symbols } = this.universe;
    const all = new Uint8Array(bytes * symbols.length);
    const offGrid: [string, number][] = [];
    const inUniverse = new Set(symbols);
    symbols.forEach((symbol, k) => {
      const seen = this.seen.get(symbol);
      if (seen) all.set(seen.bits, k * bytes);
    });
    for (const [symbol, seen] of this.seen) {
      for (const t of seen.offGrid ?? []) offGrid.push([symbol, t]);
      if (inUniverse.has(symbol)) continue;
      // A symbol outside the universe (no answer should hold one): its grid rows travel as timestamps.
      for (let bar = 0; bar < this.bars; bar++) {
        if (seen.bits[bar >>> 3]! & (1 << (bar & 7))) offGrid.push([symbol, this.universe.range.start + bar * this.universe.barMs]);
      }
    }
    return { bits: deflateRawSync(all).toString('base64'), offGrid };
  }

  /** Adds the rows another DistinctPoints of the same universe saw (its encode()); a row both saw counts once. */
  merge(encoded: EncodedDistinctPoints): void {
    const bytes = (this.bars + 7) >>> 3;
    const { symbols } = this.universe;
    let all: Uint8Array;
    try {
      all = inflateRawSync(Buffer.from(encoded.bits, 'base64'));
    } catch (err) {
      throw new TypeError(`not encoded distinct points: ${(err as Error).message}`, { cause: err });
    }
    if (all.length !== bytes * symbols.length) {
      throw new TypeError(`encoded distinct points hold ${all.length} bytes; this universe (${symbols.length} symbols x ${this.bars} bars) needs ${bytes * symbols.length}`);
    }
    symbols.forEach((symbol, k) => {
      let theirs: Uint8Array | undefined;
      for (let i = 0; i < bytes; i++) {
        const b = all[k * bytes + i]!;
        if (b === 0) continue;
        theirs ??= this.rowsOf(symbol).bits;
        const added = b & ~theirs[i]!;
        if (added !== 0) {
          theirs[i] = theirs[i]! | added;
          this.rowsValue += popcount(added);
        }
      }
    });
    for (const [symbol, t] of encoded.offGrid) {
      const seen = this.rowsOf(symbol);
      const off = (seen.offGrid ??= new Set());
      if (!off.has(t)) {
        off.add(t);
        this.rowsValue++;
      }
    }
  }

  private rowsOf(symbol: string): SeenRows {
    let s = this.seen.get(symbol);
    if (!s) this.seen.set(symbol, (s = { bits: new Uint8Array((this.bars + 7) >>> 3), offGrid: undefined }));
    return s;
  }
}

function popcount(byte: number): number {
  let n = 0;
  for (let b = byte; b !== 0; b &= b - 1) n++;
  return n;
}
