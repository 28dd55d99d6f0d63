import { ProtoWriter, varintSize } from './proto-bytes.js';
import type { OutgoingReadChunk, OutgoingSeriesBlock, ReadChunkMessage, SeriesBlockMessage } from './wire.js';

/**
 * Bytes gRPC puts before every message (compressed flag + length). A
 * receiver's message bytes start this far into an 8-byte aligned buffer, so a
 * field is 8-byte aligned there when its offset in the message is 3 mod 8.
 */
export const GRPC_FRAME_HEADER_BYTES = 5;

const TAG_CHUNK_FIELDS = 0x0a; // ReadChunk.fields = 1, length-delimited
const TAG_CHUNK_BLOCKS = 0x12; // ReadChunk.blocks = 2
const TAG_SYMBOL = 0x0a; // SeriesBlock.symbol = 1
const TAG_TIMESTAMPS = 0x12; // SeriesBlock.timestamps = 2
const TAG_COLUMNS = 0x1a; // SeriesBlock.columns = 3
const TAG_LAST = 0x20; // SeriesBlock.last = 4, varint
const TAG_TOTAL_ROWS = 0x28; // SeriesBlock.total_rows = 5, varint
const TAG_PADDING = 0x7a; // SeriesBlock.padding = 15, length-delimited

/** Most bytes the alignment filler before one array takes. */
const MAX_ALIGN_FILLER = 9;

/** One block ready to write: each array (timestamps, then each column) as parts written back to back. */
export interface PlannedBlock {
  readonly symbol: string;
  readonly symbolBytes: number;
  readonly arrays: readonly (readonly Uint8Array[])[];
  readonly arrayBytes: readonly number[];
  readonly last: boolean;
  readonly totalRows: number;
  /** Most bytes the block's content can take (alignment fillers included). */
  readonly upper: number;
}

/** Largest message encodeReadChunkTransient writes into its reused buffer (larger ones get a buffer of their own). */
export const TRANSIENT_BUFFER_MAX_BYTES = 64 * 1024 * 1024;

let transientBuffer: Buffer | undefined;

/**
 * Encodes a ReadChunk as standard protobuf bytes (florin.v1.ReadChunk), in
 * one buffer sized up front: each block's rows are copied once, straight from
 * the pieces' typed arrays, and every non-empty timestamps/columns field is
 * preceded by a `padding` field when needed so that its bytes start 8-byte
 * aligned in a gRPC receiver's buffer. Takes the blocks of a Read handler
 * (pieces) or of an already encoded message (bytes).
 */
export function encodeReadChunk(chunk: OutgoingReadChunk | ReadChunkMessage): Buffer {
  return encodeInto(chunk, (size) => Buffer.allocUnsafe(size));
}

/**
 * encodeReadChunk into one buffer reused by every call in this thread: the
 * result is valid only until the next call. It is the Read methods'
 * responseSerialize, where grpc-js copies the bytes into its framed message
 * at once (server-interceptors serializeMessage), so a server allocates and
 * page-faults no fresh buffer per message. Nothing else may use it.
 */
export function encodeReadChunkTransient(chunk: OutgoingReadChunk | ReadChunkMessage): Buffer {
  return encodeInto(chunk, (size) => {
    if (size > TRANSIENT_BUFFER_MAX_BYTES) return Buffer.allocUnsafe(size);
    if (!transientBuffer || transientBuffer.byteLength < size) transientBuffer = Buffer.allocUnsafeSlow(size);
    return transientBuffer.subarray(0, size);
  });
}

function encodeInto(chunk: OutgoingReadChunk | ReadChunkMessage, allocate: (size: number) => Buffer): Buffer {
  const blocks = chunk.blocks.map((b) => planBlock(b, chunk.fields.length));
  const fieldBytes = chunk.fields.map((f) => Buffer.byteLength(f, 'utf8'));
  let upper = 0;
  for (const n of fieldBytes) upper += 1 + varintSize(n) + n;
  // A block's content takes at most b.upper + 1 bytes (see writeBlock).
  for (const b of blocks) upper += 1 + varintSize(b.upper) + b.upper + 1;
  const w = new ProtoWriter(allocate(upper));
  chunk.fields.forEach((f, i) => w.string(TAG_CHUNK_FIELDS, f, fieldBytes[i]!));
  for (const b of blocks) writeBlock(w, b);
  return w.pos === upper ? w.buf : w.buf.subarray(0, w.pos);
}

/** A block's arrays and the most bytes its content can take (writeBlock writes it; WriteRequest's encoder shares both). */
export function planBlock(block: OutgoingSeriesBlock | SeriesBlockMessage, fieldCount: number): PlannedBlock {
  let arrays: Uint8Array[][];
  const totalRows = block.totalRows ?? 0;
  if ('pieces' in block) {
    arrays = Array.from({ length: 1 + fieldCount }, () => []);
    for (const piece of block.pieces) {
      if (piece.columns.length !== fieldCount) {
        throw new RangeError(`a piece of ${block.symbol} has ${piece.columns.length} columns for ${fieldCount} fields`);
      }
      if (piece.timestamps.length === 0) continue;
      arrays[0]!.push(bytesOf(piece.timestamps));
      piece.columns.forEach((c, i) => arrays[1 + i]!.push(bytesOf(c)));
    }
  } else {
    arrays = [[block.timestamps], ...block.columns.map((c) => [c])];
  }
  if (!Number.isSafeInteger(totalRows) || totalRows < 0) throw new RangeError(`totalRows of ${block.symbol} is ${totalRows}`);
  const symbolBytes = Buffer.byteLength(block.symbol, 'utf8');
  const arrayBytes = arrays.map((parts) => parts.reduce((n, p) => n + p.byteLength, 0));
  let upper = 1 + varintSize(symbolBytes) + symbolBytes + 2 + (totalRows > 0 ? 1 + varintSize(totalRows) : 0);
  for (const n of arrayBytes) upper += MAX_ALIGN_FILLER + 1 + varintSize(n) + n;
  return { symbol: block.symbol, symbolBytes, arrays, arrayBytes, last: block.last, totalRows, upper };
}

/** Writes a planned SeriesBlock as the length-delimited field `tag` (ReadChunk.blocks by default), arrays aligned; at most 1 + varintSize(b.upper) + b.upper + 1 bytes. */
export function writeBlock(w: ProtoWriter, b: PlannedBlock, tag: number = TAG_CHUNK_BLOCKS): void {
  w.byte(tag);
  // The length goes before the content, whose size depends on where it lands (alignment): reserve the
  // varint's bytes for the largest size, and pad the content up to 128^(lengthBytes - 1) <= b.upper
  // (+ 1 when one filler byte would be left over) if it ends up needing fewer.
  const lengthBytes = varintSize(b.upper);
  const lengthAt = w.pos;
  w.pos += lengthBytes;
  const start = w.pos;
  w.string(TAG_SYMBOL, b.symbol, b.symbolBytes);
  b.arrays.forEach((parts, k) => {
    const n = b.arrayBytes[k]!;
    if (n > 0) {
      const misalignment = (w.pos + 1 + varintSize(n) + GRPC_FRAME_HEADER_BYTES) % 8;
      if (misalignment !== 0) w.filler(TAG_PADDING, misalignment === 7 ? 9 : 8 - misalignment);
    }
    w.byte(k === 0 ? TAG_TIMESTAMPS : TAG_COLUMNS);
    w.varint(n);
    for (const p of parts) w.raw(p);
  });
  if (b.last) {
    w.byte(TAG_LAST);
    w.byte(1);
  }
  if (b.totalRows > 0) {
    w.byte(TAG_TOTAL_ROWS);
    w.varint(b.totalRows);
  }
  const least = lengthBytes > 1 ? 128 ** (lengthBytes - 1) : 0;
  if (w.pos - start < least) w.filler(TAG_PADDING, Math.max(2, least - (w.pos - start)));
  w.varintAt(lengthAt, w.pos - start, lengthBytes);
}

function bytesOf(values: Float64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
