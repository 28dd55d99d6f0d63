import type { SeriesFrame } from '@florin/core';
import { DAY_MS, prng } from './series.js';

export { DAY_MS, prng, utc } from './series.js';

export interface DailyBarsOptions {
  /** Share of bars whose close is missing (NaN), to exercise the gaps. Default 0. */
  missing?: number;
  /** Share of bars left out entirely (holidays, halts). Default 0.01. */
  skipped?: number;
}

/** Weekday daily bars in [fromMs, toMs) with a random-walk close (field "close"); deterministic per seed. */
export function dailyBars(symbol: string, fromMs: number, toMs: number, seed: number, options: DailyBarsOptions = {}): SeriesFrame {
  const next = prng(seed);
  const ts: number[] = [];
  const closes: number[] = [];
  let price = 20 + next() * 200;
  for (let t = fromMs; t < toMs; t += DAY_MS) {
    const day = new Date(t).getUTCDay();
    if (day === 0 || day === 6) continue;
    price *= Math.exp((next() - 0.5) * 0.05 + 0.0002);
    if (next() < (options.skipped ?? 0.01)) continue;
    ts.push(t);
    closes.push(next() < (options.missing ?? 0) ? NaN : price);
  }
  return { symbol, fields: ['close'], timestamps: Float64Array.from(ts), columns: [Float64Array.from(closes)] };
}

/** A universe of `count` symbols S000, S001, ... with their bars. */
export function universe(count: number, fromMs: number, toMs: number, seed: number, options?: DailyBarsOptions): SeriesFrame[] {
  return Array.from({ length: count }, (_, i) => dailyBars(`S${String(i).padStart(3, '0')}`, fromMs, toMs, seed * 1000 + i, options));
}

/** Bytes of a Float64Array, for bit-exact comparisons. */
export function bits(a: Float64Array | number[]): Buffer {
  const f = a instanceof Float64Array ? a : Float64Array.from(a);
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength);
}
