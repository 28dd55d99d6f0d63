import type { MethodDefinition, PackageDefinition } from '@grpc/proto-loader';

type Method = MethodDefinition<object, object>;

/** Every florin.v1 method whose response message is `typeName` (e.g. "ReadChunk"): where a hand-written codec replaces proto-loader's. */
export function methodsAnswering(definition: PackageDefinition, typeName: string): Method[] {
  const methods: Method[] = [];
  for (const [name, entry] of Object.entries(definition)) {
    if (!name.startsWith('florin.v1.') || 'format' in entry) continue;
    for (const method of Object.values(entry) as Method[]) {
      if ((method.responseType.type as { name?: string }).name === typeName) methods.push(method);
    }
  }
  return methods;
}

/** Every florin.v1 method whose request message is `typeName` (e.g. "WriteRequest"). */
export function methodsTaking(definition: PackageDefinition, typeName: string): Method[] {
  const methods: Method[] = [];
  for (const [name, entry] of Object.entries(definition)) {
    if (!name.startsWith('florin.v1.') || 'format' in entry) continue;
    for (const method of Object.values(entry) as Method[]) {
      if ((method.requestType.type as { name?: string }).name === typeName) methods.push(method);
    }
  }
  return methods;
}

/** A hand-written encoder or decoder, typed as proto-loader's. */
export const asSerializer = (encode: (message: never) => Buffer): Method['responseSerialize'] => encode as unknown as Method['responseSerialize'];
export const asDeserializer = (decode: (bytes: Buffer) => unknown): Method['responseDeserialize'] => decode as unknown as Method['responseDeserialize'];
export const asRequestSerializer = (encode: (message: never) => Buffer): Method['requestSerialize'] => encode as unknown as Method['requestSerialize'];
