import { invalidArgument, lowerBound, type SeriesFrame, type TimeRange } from '@florin/core';
import type { Kernel } from './pool/kernel.js';

/** Runs a kernel: ctx.compute in a unit, or a pool's run in a test. */
export type ComputeFn = <K>(kernel: Kernel<K>, inputs: readonly Float64Array[], params: K) => Promise<Float64Array[]>;

/** The column of `field` in `frame`. */
export function columnOf(frame: SeriesFrame, field: string): Float64Array {
  const i = frame.fields.indexOf(field);
  if (i < 0) throw invalidArgument(`series ${frame.symbol} has no field ${field} (it has ${frame.fields.join(', ') || 'no fields'})`);
  return frame.columns[i]!;
}

/**
 * The rows of a kernel's output a unit publishes: those inside `range` with at
 * least one defined (non-NaN) value, copied into fresh arrays.
 */
export function publishableRows(
  symbol: string,
  fields: readonly string[],
  timestamps: Float64Array,
  columns: readonly Float64Array[],
  range: TimeRange,
): SeriesFrame {
  const from = lowerBound(timestamps, range.start);
  const to = lowerBound(timestamps, range.end);
  const keep = new Uint8Array(to - from);
  let count = 0;
  for (let i = from; i < to; i++) {
    let defined = false;
    for (const c of columns) if (!Number.isNaN(c[i]!)) defined = true;
    if (defined) {
      keep[i - from] = 1;
      count++;
    }
  }
  const ts = new Float64Array(count);
  const out = columns.map(() => new Float64Array(count));
  for (let i = from, at = 0; i < to; i++) {
    if (keep[i - from] === 0) continue;
    ts[at] = timestamps[i]!;
    for (let c = 0; c < columns.length; c++) out[c]![at] = columns[c]![i]!;
    at++;
  }
  return { symbol, fields, timestamps: ts, columns: out };
}

/** Publishes every frame to the unit's output dataset; resolves the rows published. */
export async function publishAll(
  ctx: { publish(dataset: string, symbol: string, frame: SeriesFrame): Promise<void>; output: { dataset: string } },
  frames: readonly SeriesFrame[],
): Promise<number> {
  let rows = 0;
  for (const frame of frames) {
    await ctx.publish(ctx.output.dataset, frame.symbol, frame);
    rows += frame.timestamps.length;
  }
  return rows;
}
