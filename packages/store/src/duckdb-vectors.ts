import { DuckDBDoubleVector, type DuckDBVector } from '@duckdb/node-api';

/**
 * Bulk access to DuckDB DOUBLE vectors.
 *
 * DuckDBDoubleVector keeps its values in a Float64Array over the vector's
 * native memory, but only exposes them one item at a time. Copying the whole
 * array with TypedArray.set is both much faster and bit-exact (NaN payloads
 * and -0 survive), so we use it when the array is there, and fall back to
 * per-item access otherwise (a future version of the package may rename it).
 * Our columns are NOT NULL, so the validity mask is never needed on reads.
 */
function itemsOf(vector: DuckDBVector): Float64Array | undefined {
  if (!(vector instanceof DuckDBDoubleVector)) {
    throw new TypeError(`expected a DOUBLE vector, got ${String(vector.type)}`);
  }
  const items = (vector as unknown as { items?: unknown }).items;
  return items instanceof Float64Array && items.length === vector.itemCount ? items : undefined;
}

/** Copies `vector[from, to)` into `target` at `at`. */
export function copyDoubles(vector: DuckDBVector, from: number, to: number, target: Float64Array, at: number): void {
  const items = itemsOf(vector);
  if (items) {
    target.set(items.subarray(from, to), at);
    return;
  }
  for (let i = from; i < to; i++) target[at + i - from] = (vector.getItem(i) as number | null) ?? Number.NaN;
}

/** Reads item `i` of a DOUBLE vector (NaN for NULL). */
export function doubleAt(vector: DuckDBVector, i: number): number {
  return (vector.getItem(i) as number | null) ?? Number.NaN;
}

/** The vector's values as a Float64Array view when available (for fast scans), else undefined. */
export function doubleView(vector: DuckDBVector): Float64Array | undefined {
  return itemsOf(vector);
}

/** Fills a DOUBLE vector of a chunk being built from `source`, then flushes it to native memory. */
export function fillDoubles(vector: DuckDBVector, source: Float64Array): void {
  const items = itemsOf(vector);
  if (items) {
    items.set(source);
  } else {
    for (let i = 0; i < source.length; i++) vector.setItem(i, source[i]!);
  }
  vector.flush();
}
