import type { PackageDefinition } from '@grpc/proto-loader';
import { asRequestSerializer, methodsTaking } from './method-codecs.js';
import { encodeWriteRequest } from './write-request-encoder.js';

/**
 * Gives every florin.v1 method taking a WriteRequest (ShardService.Write,
 * HeadService.Write) the hand-written encoder on the client side
 * (encodeWriteRequest: row arrays aligned for the receiver). The server side
 * keeps proto-loader's decoder, whose bytes fields are views of the received
 * message, so the aligned arrays become Float64Array views without a copy.
 * The bytes on the wire stay standard florin.v1.WriteRequest. Modifies and
 * returns `definition`.
 */
export function withWriteRequestCodec(definition: PackageDefinition): PackageDefinition {
  for (const method of methodsTaking(definition, 'WriteRequest')) method.requestSerialize = asRequestSerializer(encodeWriteRequest);
  return definition;
}
