import { BIGINT, DOUBLE, DuckDBBigIntVector, DuckDBDataChunk, DuckDBVector, VARCHAR, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import { datasetTable } from './catalog.js';
import { fillDoubles } from './duckdb-vectors.js';
import type { WriteBatch, WriteSegment } from './write-batch.js';

const TWO_32 = 2 ** 32;

/**
 * Appends a batch of rows that are all new (no stored row shares a key with
 * them: the caller probed) straight into the dataset's table with the
 * Appender, in (symbol, ts) order, so storage stays sorted by symbol. One pass
 * over the rows, where an upsert stages them in a temporary table and then
 * inserts them from it with a join and a sort. Run inside the caller's
 * transaction (the Appender writes through the connection's open
 * transaction, so a rollback drops what it appended).
 */
export async function appendNewRows(connection: DuckDBConnection, batch: WriteBatch): Promise<void> {
  const appender = await connection.createAppender(datasetTable(batch.dataset.name));
  try {
    const fieldCount = batch.dataset.fields.length;
    const types: DuckDBType[] = [VARCHAR, BIGINT, ...Array.from({ length: fieldCount }, () => DOUBLE)];
    const capacity = DuckDBVector.standardSize();
    for (const segment of bySymbol(batch.segments)) {
      const n = segment.timestamps.length;
      for (let from = 0; from < n; from += capacity) {
        const to = Math.min(n, from + capacity);
        const chunk = DuckDBDataChunk.create(types, to - from);
        const symbols = chunk.getColumnVector(0);
        for (let i = 0; i < to - from; i++) symbols.setItem(i, segment.symbol);
        symbols.flush();
        fillBigInts(chunk.getColumnVector(1), segment.timestamps.subarray(from, to));
        for (let c = 0; c < fieldCount; c++) fillDoubles(chunk.getColumnVector(2 + c), segment.columns[c]!.subarray(from, to));
        appender.appendDataChunk(chunk);
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Segments in symbol order (symbols are ASCII, so code-unit order is DuckDB's byte order); each segment's rows already ascend. */
function bySymbol(segments: readonly WriteSegment[]): readonly WriteSegment[] {
  for (let i = 1; i < segments.length; i++) {
    if (segments[i - 1]!.symbol > segments[i]!.symbol) return [...segments].sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  }
  return segments;
}

/**
 * Fills a BIGINT vector from integer epoch-ms values (validated safe integers)
 * as two 32-bit words each, without making a BigInt per value, then flushes it.
 */
function fillBigInts(vector: DuckDBVector, source: Float64Array): void {
  if (!(vector instanceof DuckDBBigIntVector)) throw new TypeError(`expected a BIGINT vector, got ${String(vector.type)}`);
  const items = (vector as unknown as { items?: unknown }).items;
  if (items instanceof BigInt64Array && items.length === source.length) {
    const words = new Uint32Array(items.buffer, items.byteOffset, items.length * 2);
    for (let i = 0; i < source.length; i++) {
      const t = source[i]!;
      const high = Math.floor(t / TWO_32);
      words[2 * i] = t - high * TWO_32; // little endian: the low word first
      words[2 * i + 1] = high >>> 0;
    }
  } else {
    for (let i = 0; i < source.length; i++) vector.setItem(i, BigInt(source[i]!));
  }
  vector.flush();
}
