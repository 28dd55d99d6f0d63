import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadSync } from '@grpc/proto-loader';
import {
  GRPC_FRAME_HEADER_BYTES,
  PROTO_LOADER_OPTIONS,
  decodeReadChunk,
  encodeReadChunk,
  florinProtos,
  protoRoot,
  type OutgoingReadChunk,
  type ReadChunkMessage,
  type SeriesFrame,
} from '@florin/core';
import { encodeReadChunkTransient } from '../src/read-chunk-encoder.js';

/** protobufjs's ReadChunk codec, as proto-loader builds it (not the hand-written one). */
const reference = (() => {
  const definition = loadSync(['florin/v1/series.proto', 'florin/v1/head.proto'], { ...PROTO_LOADER_OPTIONS, includeDirs: [protoRoot()] });
  const read = (definition['florin.v1.HeadService'] as Record<string, { responseSerialize: (m: object) => Buffer; responseDeserialize: (b: Buffer) => unknown }>).Read!;
  return { encode: read.responseSerialize, decode: (b: Buffer) => read.responseDeserialize(b) as ReadChunkMessage & { blocks: { padding: Buffer[] }[] } };
})();

const FIELDS = ['bid', 'ask'];

/** A frame with awkward values: NaNs of several payloads, signed zeros, infinities, subnormals. */
function frame(symbol: string, rows: number, seed = 1): SeriesFrame {
  const timestamps = Float64Array.from({ length: rows }, (_, i) => 1_700_000_000_000 + (seed + i) * 60_000);
  const bid = Float64Array.from({ length: rows }, (_, i) => [NaN, -0, Infinity, -Infinity, 5e-324, i / 7][(i + seed) % 6]!);
  const ask = Float64Array.from({ length: rows }, (_, i) => -i * 1.5 + seed);
  const bits = new BigUint64Array(bid.buffer);
  for (let i = 0; i < rows; i += 6) bits[i] = 0x7ff0_0000_0000_0001n + BigInt(i); // signalling NaNs with payloads
  return { symbol, fields: FIELDS, timestamps, columns: [bid, ask] };
}

/** Rows [from, to) of `f` as a piece (views). */
function piece(f: SeriesFrame, from: number, to: number): SeriesFrame {
  return { ...f, timestamps: f.timestamps.subarray(from, to), columns: f.columns.map((c) => c.subarray(from, to)) };
}

function bytes(a: Float64Array | Uint8Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** The message as a gRPC receiver holds it: 5 bytes into an 8-byte aligned buffer. */
function received(message: Uint8Array): Buffer {
  const framed = Buffer.from(new ArrayBuffer(message.byteLength + GRPC_FRAME_HEADER_BYTES));
  framed.set(message, GRPC_FRAME_HEADER_BYTES);
  return framed.subarray(GRPC_FRAME_HEADER_BYTES);
}

/** What `chunk` must decode to: each block's pieces joined. */
function expected(chunk: OutgoingReadChunk): { symbol: string; timestamps: Buffer; columns: Buffer[]; last: boolean; totalRows: number }[] {
  return chunk.blocks.map((b) => ({
    symbol: b.symbol,
    timestamps: Buffer.concat(b.pieces.map((p) => bytes(p.timestamps))),
    columns: chunk.fields.map((_, i) => Buffer.concat(b.pieces.map((p) => bytes(p.columns[i]!)))),
    last: b.last,
    totalRows: b.totalRows,
  }));
}

function plain(m: ReadChunkMessage): unknown {
  return {
    fields: [...m.fields],
    blocks: m.blocks.map((b) => ({ symbol: b.symbol, timestamps: bytes(b.timestamps), columns: b.columns.map(bytes), last: b.last, totalRows: b.totalRows })),
  };
}

describe('ReadChunk codec', () => {
  const a = frame('AAPL', 3_000, 1);
  const b = frame('Ω-ünï', 17, 2);
  const chunk: OutgoingReadChunk = {
    fields: FIELDS,
    blocks: [
      { symbol: 'AAPL', pieces: [piece(a, 0, 1), piece(a, 1, 1_440), piece(a, 1_440, 1_441), piece(a, 1_441, 2_000)], last: false, totalRows: 3_000 },
      { symbol: 'AAPL', pieces: [piece(a, 2_000, 3_000)], last: true, totalRows: 0 },
      { symbol: 'EMPTY', pieces: [], last: true, totalRows: 0 },
      { symbol: 'Ω-ünï', pieces: [b], last: true, totalRows: 17 },
      { symbol: '', pieces: [piece(b, 3, 4)], last: false, totalRows: 1 },
    ],
  };

  it('writes standard protobuf that protobufjs decodes to the same blocks, padding aside', () => {
    const decoded = reference.decode(encodeReadChunk(chunk));
    expect(decoded.fields).toEqual(FIELDS);
    const want = expected(chunk);
    expect(decoded.blocks.map((x) => ({ symbol: x.symbol, timestamps: x.timestamps, columns: x.columns, last: x.last, totalRows: x.totalRows }))).toEqual(want);
    for (const block of decoded.blocks) for (const p of block.padding) expect(p.every((x) => x === 0)).toBe(true);
  });

  it('reads what protobufjs writes, and what it writes itself, as views of the message', () => {
    const viaProtobufjs = reference.encode({ fields: FIELDS, blocks: expected(chunk) });
    const fromReference = decodeReadChunk(viaProtobufjs);
    const fromOwn = decodeReadChunk(encodeReadChunk(chunk));
    expect(plain(fromReference)).toEqual(plain(fromOwn));
    expect(plain(fromOwn)).toEqual({ fields: FIELDS, blocks: expected(chunk) });
    for (const block of fromReference.blocks) expect(block.timestamps.buffer).toBe(viaProtobufjs.buffer);
    // Re-encoding received (byte) blocks gives the same message.
    expect(plain(decodeReadChunk(encodeReadChunk(fromOwn)))).toEqual(plain(fromOwn));
  });

  it('aligns every non-empty array to 8 bytes in the receiver, whatever the symbol and field lengths', () => {
    const fillers = new Set<number>();
    for (let symbolLength = 0; symbolLength < 20; symbolLength++) {
      for (const fields of [[], ['x'], ['a_long_field_name', 'b', 'c']]) {
        const f: SeriesFrame = { symbol: 'S'.repeat(symbolLength), fields, timestamps: a.timestamps.subarray(0, 5 + symbolLength), columns: fields.map(() => a.columns[0]!.subarray(0, 5 + symbolLength)) };
        const c: OutgoingReadChunk = { fields, blocks: [{ symbol: f.symbol, pieces: [f], last: true, totalRows: 0 }, { symbol: f.symbol, pieces: [f], last: true, totalRows: 0 }] };
        const message = encodeReadChunk(c);
        const got = decodeReadChunk(received(message));
        for (const block of got.blocks) for (const arr of [block.timestamps, ...block.columns]) expect(arr.byteOffset % 8).toBe(0);
        for (const block of reference.decode(message).blocks) for (const p of block.padding) fillers.add(p.byteLength + 2);
        expect(plain(got)).toEqual(plain(decodeReadChunk(message)));
      }
    }
    // Each misalignment 1..7 has its filler: 7..2 bytes, and 9 for 7 (a field takes at least 2).
    expect([...fillers].sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7, 9]);
  });

  it('copies misaligned byte blocks faithfully and keeps block lengths valid around varint boundaries', () => {
    for (let rows = 0; rows < 24; rows++) {
      for (const size of [rows, 1_020 + rows]) {
        const f = frame(`S${rows}`, size, rows);
        const odd = (x: Float64Array): Uint8Array => {
          const backing = new Uint8Array(x.byteLength + 3);
          backing.set(bytes(x), 3);
          return backing.subarray(3);
        };
        const message: ReadChunkMessage = { fields: ['bid'], blocks: [{ symbol: f.symbol, timestamps: odd(f.timestamps), columns: [odd(f.columns[0]!)], last: rows % 2 === 0, totalRows: size }] };
        const encoded = encodeReadChunk(message);
        const viaReference = reference.decode(encoded);
        expect(viaReference.blocks).toHaveLength(1);
        expect(bytes(viaReference.blocks[0]!.timestamps).equals(bytes(f.timestamps))).toBe(true);
        expect(bytes(viaReference.blocks[0]!.columns[0]!).equals(bytes(f.columns[0]!))).toBe(true);
        expect(plain(decodeReadChunk(received(encoded)))).toEqual(plain(message));
      }
    }
  });

  it('encodes many blocks and an empty chunk', () => {
    const many: OutgoingReadChunk = {
      fields: ['bid', 'ask'],
      blocks: Array.from({ length: 2_000 }, (_, i) => ({ symbol: `S${i}`, pieces: i % 3 === 0 ? [] : [piece(a, i, i + (i % 7))], last: i % 2 === 0, totalRows: i % 5 })),
    };
    expect(plain(decodeReadChunk(received(encodeReadChunk(many))))).toEqual({ fields: many.fields, blocks: expected(many) });
    expect(plain(reference.decode(encodeReadChunk(many)))).toEqual({ fields: many.fields, blocks: expected(many) });
    expect(encodeReadChunk({ fields: [], blocks: [] }).byteLength).toBe(0);
    expect(decodeReadChunk(new Uint8Array(0))).toEqual({ fields: [], blocks: [] });
  });

  it('skips unknown fields of every wire type and rejects malformed bytes', () => {
    const known = Buffer.from(encodeReadChunk({ fields: ['x'], blocks: [{ symbol: 'A', pieces: [piece({ ...a, fields: ['x'], columns: [a.columns[0]!] }, 0, 2)], last: true, totalRows: 2 }] }));
    // Unknown fields: 9 varint (300), 10 fixed64, 11 fixed32, 12 group holding a varint, 13 length-delimited.
    const unknown = Buffer.from([0x48, 0xac, 0x02, 0x51, 1, 2, 3, 4, 5, 6, 7, 8, 0x5d, 1, 2, 3, 4, 0x63, 0x08, 0x01, 0x64, 0x6a, 0x02, 0xff, 0xff]);
    expect(plain(decodeReadChunk(Buffer.concat([unknown, known, unknown])))).toEqual(plain(decodeReadChunk(known)));
    expect(() => decodeReadChunk(known.subarray(0, known.byteLength - 1))).toThrow(RangeError);
    expect(() => decodeReadChunk(Buffer.from([0x12, 0x05, 0x0a]))).toThrow(/overruns/);
    expect(() => decodeReadChunk(Buffer.from([0x00]))).toThrow(/field number 0/);
    expect(() => decodeReadChunk(Buffer.from([0x0f]))).toThrow(/wire type/);
    expect(() => decodeReadChunk(Buffer.from([0x48, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toThrow(/varint/);
  });

  it('the Read methods use the hand-written codec; the transient encoder reuses one buffer', () => {
    const read = (florinProtos().definition['florin.v1.ShardService'] as Record<string, { responseSerialize: unknown; responseDeserialize: unknown }>).Read!;
    expect(read.responseSerialize).toBe(encodeReadChunkTransient);
    expect(read.responseDeserialize).toBe(decodeReadChunk);
    const first = encodeReadChunkTransient(chunk);
    expect(Buffer.from(first).equals(encodeReadChunk(chunk))).toBe(true);
    const second = encodeReadChunkTransient({ fields: [], blocks: [] });
    expect(second.byteLength).toBe(0);
    expect(encodeReadChunkTransient(chunk).buffer).toBe(first.buffer);
  });
});

describe('ReadChunk codec on random messages', () => {
  /** Strings of any Unicode scalar values (lone surrogates do not survive UTF-8 in any codec). */
  const text = fc.string({ unit: 'binary', maxLength: 12 });
  /** Any float64 bit pattern, NaN payloads and signed zeros included. */
  const column = (rows: number) => fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { minLength: rows, maxLength: rows }).map((bits) => new Float64Array(BigUint64Array.from(bits).buffer));
  const outgoing: fc.Arbitrary<OutgoingReadChunk> = fc.array(text, { maxLength: 3 }).chain((fields) =>
    fc.record({
      fields: fc.constant(fields),
      blocks: fc.array(
        fc.record({
          symbol: text,
          pieces: fc.array(
            fc.integer({ min: 0, max: 9 }).chain((rows) =>
              fc.record({
                symbol: fc.constant(''),
                fields: fc.constant(fields),
                timestamps: column(rows),
                columns: fc.tuple(...fields.map(() => column(rows))).map((cols) => cols as Float64Array[]),
              }),
            ),
            { maxLength: 3 },
          ),
          last: fc.boolean(),
          totalRows: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        }),
        { maxLength: 5 },
      ),
    }),
  );

  it('protobufjs decodes what the hand-written encoder writes, and the hand-written decoder reads what protobufjs writes', () => {
    fc.assert(
      fc.property(outgoing, (chunk) => {
        const want = { fields: [...chunk.fields], blocks: expected(chunk) };
        const ours = encodeReadChunk(chunk);
        const decoded = reference.decode(ours);
        expect({ fields: decoded.fields, blocks: decoded.blocks.map((x) => ({ symbol: x.symbol, timestamps: x.timestamps, columns: x.columns, last: x.last, totalRows: x.totalRows })) }).toEqual(want);
        const theirs = reference.encode(want);
        expect(plain(decodeReadChunk(received(theirs)))).toEqual(want);
        expect(plain(decodeReadChunk(received(ours)))).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});
