import type { StoreReadRequest, SampleMarket } from '@florin/store';
import type { TimeRange } from '@florin/core';

/** One kind of read: how many symbols, how many years (undefined: the whole history), which fields. */
export interface ReadShape {
  readonly name: string;
  readonly symbols: number;
  readonly years: number | undefined;
  readonly fields: readonly string[];
}

/**
 * The read workload over a sample market: wide batches of whole histories,
 * medium batches of a few years, the whole universe's closes, and the
 * latency-bound single series. Counts are capped by the market's size;
 * shapes that become the same on a small market are listed once.
 */
export function defaultReadShapes(market: SampleMarket): ReadShape[] {
  const all = market.dataset.fields;
  const close = all.includes('close') ? ['close'] : [all[0]!];
  const { symbols, years } = market.config;
  const shape = (s: number, y: number | undefined, fields: readonly string[]): ReadShape => {
    const n = Math.min(s, symbols);
    const span = y === undefined || y >= years ? undefined : y;
    const label = `${n}sym x ${span === undefined ? `${years}y` : `${span}y`} x ${fields.length === all.length ? 'all fields' : fields.join(',')}`;
    return { name: label, symbols: n, years: span, fields };
  };
  const shapes = [shape(50, undefined, all), shape(200, 2, all), shape(symbols, undefined, close), shape(1, 1, close)];
  return shapes.filter((s, i) => shapes.findIndex((t) => t.name === s.name) === i);
}

/**
 * The i-th query of a shape. Queries rotate through the universe (symbol
 * batches wrap around) and through year windows, so repeated runs do not read
 * the same rows each time; every query of a shape returns the same number of points.
 */
export function shapeQuery(market: SampleMarket, shape: ReadShape, i: number): StoreReadRequest {
  const universe = market.symbols;
  const first = (i * shape.symbols) % universe.length;
  const symbols = Array.from({ length: shape.symbols }, (_, k) => universe[(first + k) % universe.length]!);
  return { dataset: market.dataset.name, symbols, fields: shape.fields, range: yearWindow(market, shape.years, i) };
}

/** Points (rows x fields) a frame list holds. */
export function pointsOf(frames: readonly { timestamps: Float64Array; columns: readonly Float64Array[] }[]): number {
  return frames.reduce((sum, f) => sum + f.timestamps.length * f.columns.length, 0);
}

/** Window i (mod the number of windows) of `years` consecutive years of trading days; the whole history when undefined. */
function yearWindow(market: SampleMarket, years: number | undefined, i: number): TimeRange {
  const ts = market.timestamps;
  const whole = { start: ts[0]!, end: ts[ts.length - 1]! + 1 };
  if (years === undefined) return whole;
  const days = Math.floor((ts.length * years) / market.config.years);
  const windows = Math.max(1, Math.floor(ts.length / days));
  const from = (i % windows) * days;
  return { start: ts[from]!, end: ts[from + days] ?? whole.end };
}
