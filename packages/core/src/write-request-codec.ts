import type { PackageDefinition } from '@grpc/proto-loader';
import { asRequestSerializer, methodsTaking } from './method-codecs.js';
import { encodeWriteRequest, type OutgoingWriteRequest } from './write-request-encoder.js';

/**
 * Gives every florin.v1 method taking a WriteRequest (ShardService.Write,
 * HeadService.Write) the hand-written encoder on the client side
 * (encodeWriteRequest: row arrays aligned for the receiver). The server side
 * keeps proto-loader's decoder, whose bytes fields are views of the received
 * message, so the aligned arrays become Float64Array views without a copy.
 * A message not in the shape Florin's clients send (fields missing or of
 * other types, as a fuzzer sends them) goes to protobufjs's encoder as
 * before. The bytes on the wire stay standard florin.v1.WriteRequest.
 * Modifies and returns `definition`.
 */
export function withWriteRequestCodec(definition: PackageDefinition): PackageDefinition {
  for (const method of methodsTaking(definition, 'WriteRequest')) {
    const general = method.requestSerialize;
    method.requestSerialize = asRequestSerializer((message: never) =>
      isOutgoingWriteRequest(message) ? encodeWriteRequest(message) : general(message),
    );
  }
  return definition;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every(isString);
/** Absent, or an int64 the hand-written encoder writes (negative ones, as ten-byte varints, go to protobufjs). */
const isVarintMs = (v: unknown): boolean => v === undefined || (Number.isSafeInteger(v) && (v as number) >= 0);

/** Whether `m` has exactly the types encodeWriteRequest writes (optional fields absent or well typed). */
export function isOutgoingWriteRequest(m: unknown): m is OutgoingWriteRequest {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  if (!isString(r['dataset']) || !isStrings(r['fields']) || !Array.isArray(r['blocks'])) return false;
  if (r['jobId'] !== undefined && !isString(r['jobId'])) return false;
  if (r['grants'] !== undefined && !isStrings(r['grants'])) return false;
  if (!isVarintMs(r['coverStartMs']) || !isVarintMs(r['coverEndMs'])) return false;
  return r['blocks'].every((block: unknown) => {
    if (typeof block !== 'object' || block === null) return false;
    const b = block as Record<string, unknown>;
    const totalRows = b['totalRows'];
    return (
      isString(b['symbol']) &&
      b['timestamps'] instanceof Uint8Array &&
      Array.isArray(b['columns']) &&
      b['columns'].every((c) => c instanceof Uint8Array) &&
      (b['last'] === undefined || typeof b['last'] === 'boolean') &&
      (totalRows === undefined || (Number.isSafeInteger(totalRows) && (totalRows as number) >= 0)) &&
      !('pieces' in b)
    );
  });
}
