import type { PackageDefinition } from '@grpc/proto-loader';
import { asDeserializer, asSerializer, methodsAnswering } from './method-codecs.js';
import { decodeReadChunk } from './read-chunk-decoder.js';
import { encodeReadChunkTransient } from './read-chunk-encoder.js';

/**
 * Gives every florin.v1 method that streams ReadChunk messages the
 * hand-written codec in place of protobufjs's: the server side serializes
 * OutgoingReadChunk (or ReadChunkMessage) with encodeReadChunkTransient, one
 * copy of the rows straight into a reused buffer; the client side decodes with
 * decodeReadChunk, views of the received message. The bytes on the wire stay
 * standard florin.v1.ReadChunk. Modifies and returns `definition`.
 */
export function withReadChunkCodec(definition: PackageDefinition): PackageDefinition {
  for (const method of methodsAnswering(definition, 'ReadChunk')) {
    method.responseSerialize = asSerializer(encodeReadChunkTransient);
    method.responseDeserialize = asDeserializer(decodeReadChunk);
  }
  return definition;
}
