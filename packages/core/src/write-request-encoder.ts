import { varintSize, ProtoWriter } from './proto-bytes.js';
import { planBlock, writeBlock } from './read-chunk-encoder.js';
import type { WriteRequestMessage } from './wire.js';

const TAG_DATASET = 0x0a; // WriteRequest.dataset = 1, length-delimited
const TAG_FIELDS = 0x12; // WriteRequest.fields = 2
const TAG_BLOCKS = 0x1a; // WriteRequest.blocks = 3
const TAG_JOB_ID = 0x22; // WriteRequest.job_id = 4
const TAG_GRANTS = 0x2a; // WriteRequest.grants = 5
const TAG_COVER_START = 0x30; // WriteRequest.cover_start_ms = 6, varint
const TAG_COVER_END = 0x38; // WriteRequest.cover_end_ms = 7, varint

/** The fields of a WriteRequest the encoder reads (a client's request, or one a head received and forwards). */
export type OutgoingWriteRequest = Pick<WriteRequestMessage, 'dataset' | 'fields' | 'blocks'> & {
  readonly jobId?: string;
  readonly grants?: readonly string[];
  /** Non-negative safe integers (the codec sends others to protobufjs); 0 is not sent (proto3's default). */
  readonly coverStartMs?: number;
  readonly coverEndMs?: number;
};

/**
 * Encodes a WriteRequest as standard protobuf bytes (florin.v1.WriteRequest)
 * in one buffer sized up front, each block laid out as a Read answer's
 * (encodeReadChunk): every row array copied once, preceded by a `padding`
 * field when needed so that it starts 8-byte aligned in a gRPC receiver's
 * buffer. The receiver (a head, a shard) then takes the columns as
 * Float64Array views of the message instead of copying each one.
 */
export function encodeWriteRequest(request: OutgoingWriteRequest): Buffer {
  const fieldCount = request.fields.length;
  const blocks = request.blocks.map((b) => planBlock(b, fieldCount));
  const strings: [tag: number, text: string, bytes: number][] = [];
  const add = (tag: number, text: string | undefined): void => {
    if (text) strings.push([tag, text, Buffer.byteLength(text, 'utf8')]);
  };
  add(TAG_DATASET, request.dataset);
  for (const f of request.fields) strings.push([TAG_FIELDS, f, Buffer.byteLength(f, 'utf8')]);
  const before = strings.length;
  add(TAG_JOB_ID, request.jobId);
  for (const g of request.grants ?? []) strings.push([TAG_GRANTS, g, Buffer.byteLength(g, 'utf8')]);
  const varints: [tag: number, value: number][] = [];
  if (request.coverStartMs) varints.push([TAG_COVER_START, request.coverStartMs]);
  if (request.coverEndMs) varints.push([TAG_COVER_END, request.coverEndMs]);
  let upper = 0;
  for (const [, , n] of strings) upper += 1 + varintSize(n) + n;
  for (const [, v] of varints) upper += 1 + varintSize(v);
  for (const b of blocks) upper += 1 + varintSize(b.upper) + b.upper + 1;
  const w = new ProtoWriter(Buffer.allocUnsafe(upper));
  // Field order as protobufjs writes it (1, 2, 3, 4, 5, 6, 7); a decoder accepts any.
  for (const [tag, text, n] of strings.slice(0, before)) w.string(tag, text, n);
  for (const b of blocks) writeBlock(w, b, TAG_BLOCKS);
  for (const [tag, text, n] of strings.slice(before)) w.string(tag, text, n);
  for (const [tag, value] of varints) {
    w.byte(tag);
    w.varint(value);
  }
  return w.pos === upper ? w.buf : w.buf.subarray(0, w.pos);
}
