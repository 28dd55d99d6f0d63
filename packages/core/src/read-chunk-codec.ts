import type { MethodDefinition, PackageDefinition, ServiceDefinition } from '@grpc/proto-loader';
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
  for (const [name, entry] of Object.entries(definition)) {
    if (!name.startsWith('florin.v1.') || 'format' in entry) continue;
    for (const method of Object.values(entry as ServiceDefinition) as MethodDefinition<object, object>[]) {
      if ((method.responseType.type as { name?: string }).name !== 'ReadChunk') continue;
      method.responseSerialize = encodeReadChunkTransient as unknown as MethodDefinition<object, object>['responseSerialize'];
      method.responseDeserialize = decodeReadChunk as unknown as MethodDefinition<object, object>['responseDeserialize'];
    }
  }
  return definition;
}
