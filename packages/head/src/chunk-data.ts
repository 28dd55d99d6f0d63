import { lowerBound, type SeriesFrame, type TimeRange } from '@florin/core';
import type { ChunkGrid, ChunkSpan } from './chunk-grid.js';

/** Bytes an entry costs besides its values (object headers, key, bookkeeping). */
const ENTRY_OVERHEAD_BYTES = 128;

/**
 * One chunk of one series with some of its fields (the cache keeps one field
 * per entry; see field-key.ts), stored contiguously: one Float64Array holds the timestamps followed by each
 * column, so the cache owns exactly the bytes it accounts for and a read is a
 * few subarray views.
 */
export interface ChunkData {
  readonly rows: number;
  readonly timestamps: Float64Array;
  /** One column per field the chunk holds (one for a cache entry). */
  readonly columns: readonly Float64Array[];
  /** Bytes this chunk costs in the cache. */
  readonly bytes: number;
}

/** Copies rows [from, to) of `frame` into one contiguous chunk (memcpy per column, no per-point work). */
export function packChunk(frame: SeriesFrame, from: number, to: number): ChunkData {
  const rows = to - from;
  const width = frame.columns.length + 1;
  const store = new Float64Array(rows * width);
  store.set(frame.timestamps.subarray(from, to), 0);
  const columns: Float64Array[] = [];
  for (let c = 0; c < frame.columns.length; c++) {
    const at = rows * (c + 1);
    store.set(frame.columns[c]!.subarray(from, to), at);
    columns.push(store.subarray(at, at + rows));
  }
  return { rows, timestamps: store.subarray(0, rows), columns, bytes: store.byteLength + ENTRY_OVERHEAD_BYTES };
}

/** Field `f` of a frame as a frame of its own (the same arrays, no copy): the cache keeps one field per entry. */
export function fieldColumn(frame: SeriesFrame, f: number): SeriesFrame {
  return { symbol: frame.symbol, fields: [frame.fields[f]!], timestamps: frame.timestamps, columns: [frame.columns[f]!] };
}

/**
 * Cuts a fetched frame (`fieldCount` fields, timestamps inside `span`) into
 * one ChunkData per chunk of `span`; chunks without rows are empty entries,
 * so an empty stretch of a series is remembered as fetched too.
 */
export function splitIntoChunks(frame: SeriesFrame | undefined, grid: ChunkGrid, span: ChunkSpan, fieldCount: number): ChunkData[] {
  const out: ChunkData[] = [];
  if (!frame || frame.timestamps.length === 0) {
    const empty = emptyChunk(fieldCount);
    for (let c = span.first; c < span.end; c++) out.push(empty);
    return out;
  }
  let from = lowerBound(frame.timestamps, grid.startOf(span.first));
  for (let c = span.first; c < span.end; c++) {
    const to = lowerBound(frame.timestamps, grid.startOf(c + 1));
    out.push(to > from ? packChunk(frame, from, to) : emptyChunk(fieldCount));
    from = to;
  }
  return out;
}

export function emptyChunk(fieldCount: number): ChunkData {
  const none = new Float64Array(0);
  return { rows: 0, timestamps: none, columns: Array.from({ length: fieldCount }, () => none), bytes: ENTRY_OVERHEAD_BYTES };
}

/**
 * The rows of `chunk` inside `range`, with the columns at `fieldIndexes`, as
 * zero-copy views. Undefined when none of its rows fall inside.
 */
export function chunkSlice(
  chunk: ChunkData,
  symbol: string,
  fields: readonly string[],
  fieldIndexes: readonly number[],
  range: TimeRange,
): SeriesFrame | undefined {
  const ts = chunk.timestamps;
  const n = chunk.rows;
  if (n === 0) return undefined;
  const from = ts[0]! >= range.start ? 0 : lowerBound(ts, range.start);
  const to = ts[n - 1]! < range.end ? n : lowerBound(ts, range.end);
  if (to <= from) return undefined;
  const whole = from === 0 && to === n;
  return {
    symbol,
    fields,
    timestamps: whole ? ts : ts.subarray(from, to),
    columns: fieldIndexes.map((i) => (whole ? chunk.columns[i]! : chunk.columns[i]!.subarray(from, to))),
  };
}

/** The rows of `chunk` before time `end`, copied into their own contiguous chunk (the chunk itself when all are). */
export function chunkPrefix(chunk: ChunkData, end: number): ChunkData {
  const n = lowerBound(chunk.timestamps, end);
  if (n === chunk.rows) return chunk;
  return packChunk({ symbol: '', fields: [], timestamps: chunk.timestamps, columns: chunk.columns }, 0, n);
}

/**
 * A whole chunk from a cached settled part (rows before `validTo`) and a
 * delta read (the same fields, rows from some time at or before `validTo`): the
 * cached rows, then the delta's rows in [validTo, chunkEnd), in one contiguous chunk.
 */
export function mergeDelta(base: ChunkData, validTo: number, chunkEnd: number, delta: SeriesFrame | undefined): ChunkData {
  const from = delta ? lowerBound(delta.timestamps, validTo) : 0;
  const to = delta ? lowerBound(delta.timestamps, chunkEnd) : 0;
  const extra = to - from;
  if (extra <= 0) return base;
  const rows = base.rows + extra;
  const width = base.columns.length + 1;
  const store = new Float64Array(rows * width);
  store.set(base.timestamps, 0);
  store.set(delta!.timestamps.subarray(from, to), base.rows);
  const columns: Float64Array[] = [];
  for (let c = 0; c < base.columns.length; c++) {
    const at = rows * (c + 1);
    store.set(base.columns[c]!, at);
    store.set(delta!.columns[c]!.subarray(from, to), at + base.rows);
    columns.push(store.subarray(at, at + rows));
  }
  return { rows, timestamps: store.subarray(0, rows), columns, bytes: store.byteLength + ENTRY_OVERHEAD_BYTES };
}
