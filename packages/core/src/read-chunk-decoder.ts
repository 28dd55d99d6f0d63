import { ProtoReader, WIRE_LEN, WIRE_VARINT } from './proto-bytes.js';
import type { ReadChunkMessage, SeriesBlockMessage } from './wire.js';

/**
 * Decodes florin.v1.ReadChunk bytes (any conforming encoder's) into the shape
 * proto-loader gives (defaults filled in, plus `totalRows`), without copying:
 * `timestamps` and `columns` are views of `bytes` (Buffers when `bytes` is
 * one). Unknown fields, `padding` included, are skipped; for a repeated
 * singular field the last value wins. Throws a RangeError on malformed bytes.
 */
export function decodeReadChunk(bytes: Uint8Array): ReadChunkMessage {
  const r = new ProtoReader(bytes, 0, bytes.byteLength);
  const fields: string[] = [];
  const blocks: SeriesBlockMessage[] = [];
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 1 && wire === WIRE_LEN) {
      const n = r.length();
      fields.push(text(bytes, r.pos, r.pos + n));
      r.pos += n;
    } else if (field === 2 && wire === WIRE_LEN) {
      const n = r.length();
      blocks.push(decodeSeriesBlock(bytes, r.pos, r.pos + n));
      r.pos += n;
    } else {
      skipUnknown(r, field, wire);
    }
  }
  return { fields, blocks };
}

function decodeSeriesBlock(bytes: Uint8Array, start: number, end: number): SeriesBlockMessage {
  const r = new ProtoReader(bytes, start, end);
  const empty = bytes.subarray(start, start);
  const block: SeriesBlockMessage = { symbol: '', timestamps: empty, columns: [], last: false, totalRows: 0 };
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === WIRE_LEN && field >= 1 && field <= 3) {
      const n = r.length();
      if (field === 1) block.symbol = text(bytes, r.pos, r.pos + n);
      else if (field === 2) block.timestamps = bytes.subarray(r.pos, r.pos + n);
      else block.columns.push(bytes.subarray(r.pos, r.pos + n));
      r.pos += n;
    } else if (wire === WIRE_VARINT && field === 4) {
      block.last = r.varint() !== 0;
    } else if (wire === WIRE_VARINT && field === 5) {
      block.totalRows = r.varint();
    } else {
      skipUnknown(r, field, wire);
    }
  }
  return block;
}

function skipUnknown(r: ProtoReader, field: number, wire: number): void {
  if (field === 0) throw new RangeError('invalid field number 0');
  r.skip(wire, field);
}

function text(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
}
