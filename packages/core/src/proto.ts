import { fileURLToPath } from 'node:url';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type PackageDefinition, type Options } from '@grpc/proto-loader';
import { withReadChunkCodec } from './read-chunk-codec.js';
import { withWriteRequestCodec } from './write-request-codec.js';

/** Options shared by every Florin proto load: int64 as JS numbers, bytes as Buffers, defaults filled in. */
export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  oneofs: true,
};

/** The repository's `proto/` directory, found by walking up from this file. */
export function protoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'florin', 'v1', 'series.proto'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('cannot find the proto/ directory above ' + fileURLToPath(import.meta.url));
}

let cached: { definition: PackageDefinition; grpc: GrpcObject } | undefined;

/** Loads every Florin proto file once per process (Read streams use the hand-written ReadChunk codec, Write calls the WriteRequest encoder). */
export function florinProtos(): { definition: PackageDefinition; grpc: GrpcObject } {
  if (!cached) {
    const root = protoRoot();
    const files = readdirSync(join(root, 'florin', 'v1'))
      .filter((f) => f.endsWith('.proto'))
      .sort()
      .map((f) => `florin/v1/${f}`);
    const definition = withWriteRequestCodec(withReadChunkCodec(loadSync(files, { ...PROTO_LOADER_OPTIONS, includeDirs: [root] })));
    cached = { definition, grpc: loadPackageDefinition(definition) };
  }
  return cached;
}

/** A service client constructor by full name, e.g. "florin.v1.ShardService". */
export function serviceClient(fullName: string): ServiceClientConstructor {
  let node: unknown = florinProtos().grpc;
  for (const part of fullName.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'function') throw new Error(`unknown service ${fullName}`);
  return node as ServiceClientConstructor;
}

export function serviceDefinition(fullName: string): ServiceDefinition {
  return serviceClient(fullName).service;
}
