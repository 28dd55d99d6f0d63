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
 * least one defined (non-NaN) value, copied into fresh arrays (runs of kept
 * rows with TypedArray.set, so values keep their bits, NaN payloads included).
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
  for (const column of columns) {
    for (let i = from; i < to; i++) if (column[i] === column[i]) keep[i - from] = 1; // x === x: not NaN
  }
  let count = 0;
  for (let i = 0; i < keep.length; i++) count += keep[i]!;
  const ts = new Float64Array(count);
  const out = columns.map(() => new Float64Array(count));
  let at = 0;
  for (let i = 0; i < keep.length; ) {
    if (keep[i] === 0) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < keep.length && keep[end] === 1) end++;
    ts.set(timestamps.subarray(from + i, from + end), at);
    for (let c = 0; c < columns.length; c++) out[c]!.set(columns[c]!.subarray(from + i, from + end), at);
    at += end - i;
    i = end;
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
