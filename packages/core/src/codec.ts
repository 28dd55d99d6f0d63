import { endianness } from 'node:os';
import type { SeriesFrame } from './frame.js';

if (endianness() !== 'LE') {
  // The codec views typed arrays directly as wire bytes; that is only correct on little-endian hosts.
  throw new Error('Florin requires a little-endian host');
}

/** Wire bytes of a Float64Array, zero-copy (little-endian host). */
export function float64ToBytes(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/**
 * A Float64Array over wire bytes: a zero-copy view when the bytes are 8-byte
 * aligned, otherwise one copy. Throws if the length is not a multiple of 8.
 */
export function bytesToFloat64(bytes: Uint8Array): Float64Array {
  if (bytes.byteLength % 8 !== 0) {
    throw new RangeError(`float64 column has ${bytes.byteLength} bytes, not a multiple of 8`);
  }
  if (bytes.byteOffset % 8 === 0) {
    return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  }
  const out = new Float64Array(bytes.byteLength / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** The wire form of one block of a frame (see SeriesBlock in series.proto). */
export interface WireBlock {
  symbol: string;
  timestamps: Uint8Array;
  columns: Uint8Array[];
  last: boolean;
}

export function encodeBlock(frame: SeriesFrame, last: boolean): WireBlock {
  return {
    symbol: frame.symbol,
    timestamps: float64ToBytes(frame.timestamps),
    columns: frame.columns.map(float64ToBytes),
    last,
  };
}

export function decodeBlock(block: WireBlock, fields: readonly string[]): SeriesFrame {
  const timestamps = bytesToFloat64(block.timestamps);
  if (block.columns.length !== fields.length) {
    throw new RangeError(`block for ${block.symbol} has ${block.columns.length} columns, expected ${fields.length}`);
  }
  const columns = block.columns.map((c) => {
    const col = bytesToFloat64(c);
    if (col.length !== timestamps.length) {
      throw new RangeError(`block for ${block.symbol} has a column of ${col.length} values for ${timestamps.length} timestamps`);
    }
    return col;
  });
  return { symbol: block.symbol, fields, timestamps, columns };
}

/** Bytes one row occupies on the wire: a timestamp plus one value per field. */
export function rowBytes(fieldCount: number): number {
  return 8 * (1 + fieldCount);
}
