import { BIGINT, DOUBLE, DuckDBDataChunk, DuckDBVector, VARCHAR, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { datasetTable } from './catalog.js';
import type { WriteBatch, WriteSegment } from './write-batch.js';

const TWO_32 = 2 ** 32;
/** Bytes of one duckdb_string_t (duckdb.h): a uint32 length, then 12 bytes inline, or a 4-byte prefix and a pointer. */
const STRING_T_BYTES = 16;
/** Longest string (UTF-8 bytes) a duckdb_string_t holds inline. */
const INLINE_STRING_BYTES = 12;

/**
 * Appends a batch of rows that are all new (no stored row shares a key with
 * them: the caller probed) straight into the dataset's table with the
 * Appender, in (symbol, ts) order, so storage stays sorted by symbol. One pass
 * over the rows, where an upsert stages them in a temporary table and then
 * inserts them from it with a join and a sort. Run inside the caller's
 * transaction (the Appender writes through the connection's open
 * transaction, so a rollback drops what it appended).
 *
 * The rows go into one reused data chunk, filled to DuckDB's vector size
 * across symbols, each column with one memcpy per symbol run
 * (copy_data_to_vector) instead of the API's per-vector wrappers, which copy
 * every vector out of native memory when they are created and write a VARCHAR
 * vector one native call per row: the symbol column is one duckdb_string_t
 * repeated, built here when the symbol fits inline.
 */
export async function appendNewRows(connection: DuckDBConnection, batch: WriteBatch): Promise<void> {
  const appender = await connection.createAppender(datasetTable(batch.dataset.name));
  try {
    const fieldCount = batch.dataset.fields.length;
    const types: DuckDBType[] = [VARCHAR, BIGINT, ...Array.from({ length: fieldCount }, () => DOUBLE)];
    const chunk = new ChunkFiller(DuckDBDataChunk.create(types), fieldCount, (full) => appender.appendDataChunk(full));
    for (const segment of bySymbol(batch.segments)) chunk.add(segment);
    chunk.flush();
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Fills one data chunk with runs of rows, handing it over whenever it is full (then reusing it). */
class ChunkFiller {
  private readonly capacity = DuckDBVector.standardSize();
  private readonly vectors: duckdb.Vector[];
  /** Scratch for the symbol column (repeated string_t) and the timestamps (int64 words). */
  private readonly symbolBytes = new Uint8Array(this.capacity * STRING_T_BYTES);
  private readonly timestampWords = new Uint32Array(this.capacity * 2);
  private readonly doubleScratch = new Float64Array(this.capacity);
  private rows = 0;

  constructor(
    private readonly chunk: DuckDBDataChunk,
    private readonly fieldCount: number,
    private readonly emit: (chunk: DuckDBDataChunk) => void,
  ) {
    this.vectors = Array.from({ length: 2 + fieldCount }, (_, i) => duckdb.data_chunk_get_vector(chunk.chunk, i));
  }

  add(segment: WriteSegment): void {
    const n = segment.timestamps.length;
    const inline = inlineString(segment.symbol);
    for (let from = 0; from < n; ) {
      const take = Math.min(n - from, this.capacity - this.rows);
      this.fill(segment, inline, from, take);
      from += take;
      this.rows += take;
      if (this.rows === this.capacity) this.flush();
    }
  }

  /** Hands the filled rows over (if any) and empties the chunk. */
  flush(): void {
    if (this.rows === 0) return;
    duckdb.data_chunk_set_size(this.chunk.chunk, this.rows);
    this.emit(this.chunk);
    duckdb.data_chunk_reset(this.chunk.chunk);
    this.rows = 0;
  }

  /** Rows [from, from + count) of `segment` into chunk rows [this.rows, this.rows + count). */
  private fill(segment: WriteSegment, inline: Uint8Array | undefined, from: number, count: number): void {
    const at = this.rows;
    const [symbols, timestamps, ...doubles] = this.vectors as [duckdb.Vector, duckdb.Vector, ...duckdb.Vector[]];
    if (inline) {
      const bytes = this.symbolBytes;
      for (let i = 0; i < count; i++) bytes.set(inline, i * STRING_T_BYTES);
      duckdb.copy_data_to_vector(symbols, at * STRING_T_BYTES, bytes.buffer, bytes.byteOffset, count * STRING_T_BYTES);
    } else {
      // Longer than a string_t holds inline: DuckDB copies it into the vector's string heap, once per row.
      for (let i = 0; i < count; i++) duckdb.vector_assign_string_element(symbols, at + i, segment.symbol);
    }
    const words = this.timestampWords;
    const ts = segment.timestamps;
    for (let i = 0; i < count; i++) {
      // Validated safe integers, as two 32-bit words each (little endian: the low word first), without a BigInt per value.
      const t = ts[from + i]!;
      const high = Math.floor(t / TWO_32);
      words[2 * i] = t - high * TWO_32;
      words[2 * i + 1] = high >>> 0;
    }
    duckdb.copy_data_to_vector(timestamps, at * 8, words.buffer, words.byteOffset, count * 8);
    for (let c = 0; c < this.fieldCount; c++) {
      const column = segment.columns[c]!;
      // A memcpy of the float64 bits: NaN payloads and -0 stay as they are.
      if (column.buffer instanceof ArrayBuffer) {
        duckdb.copy_data_to_vector(doubles[c]!, at * 8, column.buffer, column.byteOffset + from * 8, count * 8);
      } else {
        // A view of shared memory: through the scratch (TypedArray.set copies the bits as they are).
        const scratch = this.doubleScratch;
        scratch.set(column.subarray(from, from + count));
        duckdb.copy_data_to_vector(doubles[c]!, at * 8, scratch.buffer, 0, count * 8);
      }
    }
  }
}

/** The symbol as an inline duckdb_string_t (length, then the bytes, zero-padded), or undefined when it does not fit inline. */
function inlineString(symbol: string): Uint8Array | undefined {
  const utf8 = Buffer.from(symbol, 'utf8');
  if (utf8.byteLength > INLINE_STRING_BYTES) return undefined;
  const out = new Uint8Array(STRING_T_BYTES);
  new DataView(out.buffer).setUint32(0, utf8.byteLength, true);
  out.set(utf8, 4);
  return out;
}

/** Segments in symbol order (symbols are ASCII, so code-unit order is DuckDB's byte order); each segment's rows already ascend. */
function bySymbol(segments: readonly WriteSegment[]): readonly WriteSegment[] {
  for (let i = 1; i < segments.length; i++) {
    if (segments[i - 1]!.symbol > segments[i]!.symbol) return [...segments].sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  }
  return segments;
}
