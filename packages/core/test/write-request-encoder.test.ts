import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadSync } from '@grpc/proto-loader';
import {
  GRPC_FRAME_HEADER_BYTES,
  PROTO_LOADER_OPTIONS,
  bytesToFloat64,
  encodeWriteRequest,
  florinProtos,
  protoRoot,
  type WriteRequestMessage,
} from '@florin/core';

type Codec = { requestSerialize: (m: object) => Buffer; requestDeserialize: (b: Buffer) => unknown };

/** protobufjs's WriteRequest codec, as proto-loader builds it (not the hand-written encoder). */
const reference = (() => {
  const definition = loadSync(['florin/v1/series.proto', 'florin/v1/shard.proto'], { ...PROTO_LOADER_OPTIONS, includeDirs: [protoRoot()] });
  const write = (definition['florin.v1.ShardService'] as Record<string, Codec>).Write!;
  return { encode: write.requestSerialize, decode: (b: Buffer) => write.requestDeserialize(b) as WriteRequestMessage & { blocks: { padding: Buffer[] }[] } };
})();

/** The message as a gRPC receiver holds it: 5 bytes into an 8-byte aligned buffer. */
function received(message: Uint8Array): Buffer {
  const framed = Buffer.from(new ArrayBuffer(message.byteLength + GRPC_FRAME_HEADER_BYTES));
  framed.set(message, GRPC_FRAME_HEADER_BYTES);
  return framed.subarray(GRPC_FRAME_HEADER_BYTES);
}

function bytes(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** A request with awkward values (NaN payloads, -0, subnormals), its arrays at odd offsets of their buffers. */
function request(symbols: number, rows: (s: number) => number, fields = ['momentum', 'ret'], extra: Partial<WriteRequestMessage> = {}): WriteRequestMessage {
  const blocks = Array.from({ length: symbols }, (_, s) => {
    const n = rows(s);
    const column = (k: number): Buffer => {
      const values = Float64Array.from({ length: n }, (_, i) => [Number.NaN, -0, 5e-324, i * 0.1 + k, -s][(i + k) % 5]!);
      new BigUint64Array(values.buffer).forEach((_, i, a) => {
        if (i % 7 === 3) a[i] = 0x7ff0_0000_0000_0abcn;
      });
      // Misaligned on purpose: a received Buffer the head forwards need not be aligned.
      const out = Buffer.alloc(values.byteLength + 3).subarray(3);
      out.set(bytes(values));
      return out;
    };
    const timestamps = Float64Array.from({ length: n }, (_, i) => 1_600_000_000_000 + i * 86_400_000 + s);
    return { symbol: `SYM${s}`, timestamps: bytes(timestamps), columns: fields.map((_, k) => column(k)), last: true };
  });
  return { dataset: 'momentum_12_1', fields, blocks, jobId: '', grants: [], ...extra };
}

describe('encodeWriteRequest', () => {
  it('is installed on every Write method and decodes as protobufjs encodes, arrays aligned in the receiver', () => {
    const methods = ['florin.v1.ShardService', 'florin.v1.HeadService'].map((s) => (florinProtos().definition[s] as Record<string, Codec>).Write!);
    const sample = request(2, () => 5);
    for (const m of methods) expect(m.requestSerialize(sample).equals(encodeWriteRequest(sample))).toBe(true);
    const cases = [
      request(3, (s) => [2515, 1, 0][s]!),
      request(40, (s) => 20 + s * 13, ['a', 'b', 'c'], { jobId: 'job-7f3a', grants: ['g1.token', 'g2.token'] }),
      request(2, () => 9, ['x'], { coverStartMs: 1_577_836_800_000, coverEndMs: 1_609_372_800_000 }),
      request(1, () => 3, ['x'], { coverStartMs: 0, coverEndMs: 2 ** 53 - 1 }),
      request(1, () => 70_000, ['x']),
      request(0, () => 0),
    ];
    for (const message of cases) {
      const ours = reference.decode(received(encodeWriteRequest(message)));
      const theirs = reference.decode(reference.encode(message));
      expect(ours.dataset).toBe(message.dataset);
      expect(ours.fields).toEqual(message.fields);
      expect(ours.jobId).toBe(message.jobId);
      expect(ours.grants).toEqual(message.grants);
      expect([ours.coverStartMs, ours.coverEndMs]).toEqual([message.coverStartMs ?? 0, message.coverEndMs ?? 0]);
      expect(ours.blocks.length).toBe(theirs.blocks.length);
      ours.blocks.forEach((block, b) => {
        const sent = message.blocks[b]!;
        expect(block.symbol).toBe(sent.symbol);
        expect(block.last).toBe(true);
        expect(Buffer.compare(block.timestamps, Buffer.from(sent.timestamps))).toBe(0);
        block.columns.forEach((c, k) => expect(Buffer.compare(c, Buffer.from(sent.columns[k]!))).toBe(0));
        // Every non-empty array starts 8-byte aligned: a Float64Array view, not a copy.
        for (const array of [block.timestamps, ...block.columns]) {
          if (array.byteLength > 0) {
            expect(array.byteOffset % 8).toBe(0);
            expect(bytesToFloat64(array).buffer).toBe(array.buffer);
          }
        }
      });
    }
  });

  it('leaves messages of other shapes (a fuzzer\'s) to protobufjs', () => {
    const write = (florinProtos().definition['florin.v1.ShardService'] as Record<string, Codec>).Write!;
    const partial = [
      {},
      { dataset: 'd' },
      { dataset: 'd', fields: ['a'], blocks: [{ symbol: 'X' }] },
      { dataset: 'd', fields: ['a'], blocks: [], jobId: 7 },
      // A range before 1970 (negative int64: ten-byte varints).
      { dataset: 'd', fields: ['a'], blocks: [], coverStartMs: -86_400_000, coverEndMs: 0 },
    ];
    for (const m of partial) expect(write.requestSerialize(m).equals(reference.encode(m))).toBe(true);
  });

  it('round-trips any request protobufjs can encode', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(40), { maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.string({ maxLength: 20 }),
        fc.array(fc.string({ maxLength: 300 }), { maxLength: 3 }),
        fc.tuple(fc.maxSafeNat(), fc.maxSafeNat()),
        (sizes, fieldCount, jobId, grants, [coverStartMs, coverEndMs]) => {
          const fields = Array.from({ length: fieldCount }, (_, i) => `f${i}`);
          const message = request(sizes.length, (s) => sizes[s]!, fields, { jobId, grants, coverStartMs, coverEndMs });
          const ours = reference.decode(received(encodeWriteRequest(message)));
          const theirs = reference.decode(reference.encode(message));
          for (const b of ours.blocks) delete (b as { padding?: unknown }).padding;
          for (const b of theirs.blocks) delete (b as { padding?: unknown }).padding;
          expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
        },
      ),
      { numRuns: 200 },
    );
  });
});
