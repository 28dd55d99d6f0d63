import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { MethodDefinition, PackageDefinition } from '@grpc/proto-loader';
import fc from 'fast-check';
import { checkHealth, florinProtos, rolesFor, SERVICES, type ClientSecurity, type Role } from '@florin/core';

/** One fuzzable method: where it is served, and how its requests are described. */
export interface FuzzMethod {
  readonly service: string;
  readonly path: string;
  readonly address: string;
  readonly serverStreaming: boolean;
  readonly serialize: (message: object) => Buffer;
  readonly requestType: DescriptorMessage;
}

/** A hostile call: a method and either a structured message (encoded by proto-loader) or raw bytes. */
export interface FuzzCall {
  readonly method: number;
  /** With FuzzSecurity: which identity sends it (an index into its identities). */
  readonly identity?: number;
  readonly message?: Record<string, unknown>;
  readonly raw?: Uint8Array;
}

/** Who a call claims to be, against a secure cluster: an authorization header (or none) and the role it proves (none: must be refused). */
export interface FuzzIdentity {
  readonly label: string;
  /** The authorization metadata value; absent: none sent. */
  readonly authorization?: string;
  /** The verified role; absent: an invalid identity, which every method must answer UNAUTHENTICATED. */
  readonly role?: Role;
}

/** Fuzzing a secure cluster: TLS trusting `caPem` (certificates naming `serverName`), each call from a random identity. */
export interface FuzzSecurity {
  readonly caPem: string;
  readonly serverName: string;
  readonly identities: readonly FuzzIdentity[];
}

export interface FuzzReport {
  calls: number;
  byStatus: Record<string, number>;
  /** With FuzzSecurity: calls per identity label and status. */
  byIdentity?: Record<string, Record<string, number>>;
  /**
   * INTERNAL / UNKNOWN answers other than grpc-js's own "Error deserializing request" (each with its method and
   * message); with FuzzSecurity also a call from an invalid identity not answered UNAUTHENTICATED, or from a role
   * the method does not allow not answered PERMISSION_DENIED.
   */
  unexpected: { path: string; code: string; details: string }[];
  /** How many unexpected answers in all (`unexpected` keeps the first 50). */
  unexpectedCount?: number;
  elapsedMs: number;
}

interface DescriptorField {
  name: string;
  label: string;
  type: string;
  typeName: string;
}
interface DescriptorMessage {
  field: DescriptorField[];
}

const STATUS_NAMES = new Map<number, string>(Object.entries(status).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v as number, k]));

/** Values that broke parsers somewhere: SQL, control characters, lone surrogates, RTL marks, path tricks, huge. */
const NASTY_STRINGS = [
  '',
  'bars',
  "bars'; DROP TABLE bars; --",
  '" OR 1=1 --',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\u202Ebars',
  '../../etc/passwd',
  'ＢＡＲＳ',
  '🧨'.repeat(100),
  'A'.repeat(70_000),
  'JOB_STATE_RUNNING',
  'momentum',
];

const NASTY_NUMBERS = [0, -0, -1, 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308, -1e308, 8.64e15, 9e15];
const NASTY_DOUBLES = [NaN, Infinity, -Infinity, ...NASTY_NUMBERS, 5e-324];

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function lookup(definition: PackageDefinition, typeName: string): { type: unknown; format?: string } | undefined {
  const full = typeName.startsWith('.') ? typeName.slice(1) : typeName.includes('.') ? typeName : `florin.v1.${typeName}`;
  return (definition[full] ?? definition[typeName]) as { type: unknown; format?: string } | undefined;
}

const stringArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: 0xd800, max: 0xdfff }), { minLength: 1, maxLength: 4 }).map((codes) => String.fromCharCode(...codes)) },
);
const shortStringArb = fc.oneof(fc.constantFrom(...NASTY_STRINGS.filter((x) => x.length < 1_000)), fc.string({ unit: 'binary', maxLength: 8 }));
const intArb = fc.oneof(fc.constantFrom(...NASTY_NUMBERS), fc.integer());
const doubleArb = fc.oneof(fc.constantFrom(...NASTY_DOUBLES), fc.double());
const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.array(fc.constantFrom(...NASTY_DOUBLES), { maxLength: 16 }).map((xs) => new Uint8Array(Float64Array.from(xs).buffer)),
);

function fieldArb(definition: PackageDefinition, field: DescriptorField, depth: number): fc.Arbitrary<unknown> {
  switch (field.type) {
    case 'TYPE_STRING':
      return stringArb;
    case 'TYPE_BOOL':
      return fc.boolean();
    case 'TYPE_DOUBLE':
    case 'TYPE_FLOAT':
      return doubleArb;
    case 'TYPE_BYTES':
      return bytesArb;
    case 'TYPE_ENUM': {
      const e = lookup(definition, field.typeName)?.type as { value: { name: string }[] } | undefined;
      const names = e?.value.map((v) => v.name) ?? [];
      return fc.oneof(fc.constantFrom(...(names.length ? names : ['X'])), fc.integer({ min: -5, max: 1000 }));
    }
    case 'TYPE_MESSAGE': {
      const nested = lookup(definition, field.typeName)?.type as DescriptorMessage | undefined;
      return nested && depth < 3 ? messageArb(definition, nested, depth + 1) : fc.constant({});
    }
    default:
      return intArb;
  }
}

function messageArb(definition: PackageDefinition, type: DescriptorMessage, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of type.field) {
    const one = fieldArb(definition, field, depth);
    const small = field.type === 'TYPE_STRING' ? shortStringArb : one;
    parts[camel(field.name)] =
      field.label !== 'LABEL_REPEATED'
        ? one
        : depth === 0 && field.type !== 'TYPE_MESSAGE'
          ? fc.oneof(
              { weight: 6, arbitrary: fc.array(one, { maxLength: 4 }) },
              // Huge repeated fields: thousands of copies of one hostile (short) element, at the top level only.
              { weight: 1, arbitrary: fc.tuple(small, fc.integer({ min: 1_000, max: 10_000 })).map(([v, n]) => new Array<unknown>(n).fill(v)) },
            )
          : fc.array(one, { maxLength: depth === 0 ? 4 : 2 });
  }
  return fc.record(parts, { requiredKeys: [] });
}

/** Every method of every Florin service at its server's address. */
export function fuzzMethods(addresses: Partial<Record<keyof typeof SERVICES, string>>): FuzzMethod[] {
  const definition = florinProtos().definition;
  const methods: FuzzMethod[] = [];
  for (const [key, service] of Object.entries(SERVICES) as [keyof typeof SERVICES, string][]) {
    const address = addresses[key];
    if (!address) continue;
    for (const method of Object.values(definition[service] as Record<string, MethodDefinition<object, object>>)) {
      methods.push({
        service,
        path: method.path,
        address,
        serverStreaming: method.responseStream,
        serialize: method.requestSerialize,
        requestType: method.requestType.type as unknown as DescriptorMessage,
      });
    }
  }
  return methods;
}

/** The fast-check arbitrary of hostile calls to `methods`: one in five is raw random bytes (malformed protobuf). */
export function fuzzCallArb(methods: readonly FuzzMethod[], identities = 0): fc.Arbitrary<FuzzCall> {
  const definition = florinProtos().definition;
  const calls = fc.integer({ min: 0, max: methods.length - 1 }).chain((method) =>
    fc.oneof(
      { weight: 4, arbitrary: messageArb(definition, methods[method]!.requestType).map((message): FuzzCall => ({ method, message })) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }).map((raw): FuzzCall => ({ method, raw })) },
    ),
  );
  if (identities === 0) return calls;
  return fc.tuple(calls, fc.integer({ min: 0, max: identities - 1 })).map(([call, identity]) => ({ ...call, identity }));
}

/**
 * The status a secure server must answer a call from `identity` to `path` with, when it is decided by identity
 * alone: UNAUTHENTICATED without a valid identity, PERMISSION_DENIED for a role the method does not allow;
 * undefined when the role may call it (the message decides).
 */
function requiredStatus(identity: FuzzIdentity, path: string): status | undefined {
  if (!identity.role) return status.UNAUTHENTICATED;
  return rolesFor(path).includes(identity.role) ? undefined : status.PERMISSION_DENIED;
}

/**
 * Answers that come before identity is looked at, and so may replace the required status: grpc-js's own
 * refusal of malformed protobuf or of a message over the size limit, and a deadline that passed under load.
 */
function decidedBeforeIdentity(code: status, details: string): boolean {
  return (code === status.INTERNAL && details.startsWith('Error deserializing request')) || code === status.RESOURCE_EXHAUSTED || code === status.DEADLINE_EXCEEDED;
}

const identity = (b: Buffer): Buffer => b;

/** Sends one call; resolves its final status code and details (never rejects). */
function send(client: Client, method: FuzzMethod, payload: Buffer, deadlineMs: number, authorization?: string): Promise<{ code: status; details: string }> {
  return new Promise((resolve) => {
    const options = { deadline: Date.now() + deadlineMs };
    const metadata = new Metadata();
    if (authorization !== undefined) metadata.set('authorization', authorization);
    if (method.serverStreaming) {
      const stream = client.makeServerStreamRequest(method.path, identity, identity, payload, metadata, options);
      let received = 0;
      stream.on('data', () => {
        if (++received >= 64) stream.cancel();
      });
      stream.on('error', () => undefined);
      stream.on('status', (s: { code: status; details: string }) => resolve({ code: s.code, details: s.details }));
    } else {
      client.makeUnaryRequest(method.path, identity, identity, payload, metadata, options, (err: ServiceError | null) =>
        resolve(err ? { code: err.code, details: err.details } : { code: status.OK, details: '' }),
      );
    }
  });
}

function encode(method: FuzzMethod, call: FuzzCall): Buffer {
  if (call.raw) return Buffer.from(call.raw);
  try {
    return method.serialize(call.message ?? {});
  } catch {
    // Values protobufjs refuses to encode are sent as what they most resemble: bytes.
    return Buffer.from(JSON.stringify(call.message ?? {}, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)).slice(0, 512));
  }
}

/**
 * Sends `calls` hostile calls (drawn with fast-check from `seed`) to every
 * method, `concurrency` at a time, and counts the answers per status code.
 * INTERNAL is expected only as grpc-js's own "Error deserializing request"
 * (malformed protobuf); anything else INTERNAL or UNKNOWN is reported. With
 * `security`, calls go over TLS, each from a random identity (none, garbage,
 * expired, unknown key, each role), and a call refused by identity must get
 * UNAUTHENTICATED or PERMISSION_DENIED (else it is reported too).
 */
export async function fuzzServices(
  methods: readonly FuzzMethod[],
  options: { calls: number; seed?: number; concurrency?: number; deadlineMs?: number; onProgress?: (done: number) => void; security?: FuzzSecurity },
): Promise<FuzzReport> {
  const started = Date.now();
  const clients = new Map<string, Client>();
  const security = options.security;
  const channelOptions = {
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    ...(security ? { 'grpc.ssl_target_name_override': security.serverName, 'grpc.default_authority': security.serverName } : {}),
  };
  const clientFor = (address: string): Client => {
    let c = clients.get(address);
    if (!c) {
      const creds = security ? credentials.createSsl(Buffer.from(security.caPem)) : credentials.createInsecure();
      clients.set(address, (c = new Client(address, creds, channelOptions)));
    }
    return c;
  };
  const report: FuzzReport = { calls: 0, byStatus: {}, unexpected: [], elapsedMs: 0, ...(security ? { byIdentity: {} } : {}) };
  const arb = fuzzCallArb(methods, security?.identities.length ?? 0);
  const batch = 100;
  const concurrency = options.concurrency ?? 16;
  let seed = options.seed ?? 42;
  try {
    while (report.calls < options.calls) {
      const n = Math.min(batch, options.calls - report.calls);
      const calls = fc.sample(arb, { numRuns: n, seed: seed++ });
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < calls.length) {
          const call = calls[next++]!;
          const method = methods[call.method]!;
          const who = security && call.identity !== undefined ? security.identities[call.identity] : undefined;
          const answer = await send(clientFor(method.address), method, encode(method, call), options.deadlineMs ?? 1_500, who?.authorization);
          const name = STATUS_NAMES.get(answer.code) ?? String(answer.code);
          report.byStatus[name] = (report.byStatus[name] ?? 0) + 1;
          const expectedInternal = answer.code === status.INTERNAL && answer.details.startsWith('Error deserializing request');
          let wrong = (answer.code === status.INTERNAL && !expectedInternal) || answer.code === status.UNKNOWN;
          if (who && report.byIdentity) {
            const counts = (report.byIdentity[who.label] ??= {});
            counts[name] = (counts[name] ?? 0) + 1;
            const required = requiredStatus(who, method.path);
            if (required !== undefined && answer.code !== required && !decidedBeforeIdentity(answer.code, answer.details)) wrong = true;
          }
          if (wrong && report.unexpected.length < 50) {
            report.unexpected.push({ path: method.path, code: who ? `${name} (from ${who.label})` : name, details: answer.details.slice(0, 300) });
          }
          if (wrong) report.unexpectedCount = (report.unexpectedCount ?? 0) + 1;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, () => worker()));
      report.calls += n;
      options.onProgress?.(report.calls);
    }
  } finally {
    for (const c of clients.values()) c.close();
  }
  report.elapsedMs = Date.now() - started;
  return report;
}

/** Health of every address afterwards ('SERVING' each, or why not). */
export async function healthOf(addresses: readonly string[], security?: ClientSecurity): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const address of addresses) {
    try {
      out[address] = await checkHealth(address, { timeoutMs: 5_000, ...(security ? { security } : {}) });
    } catch (err) {
      out[address] = err instanceof Error ? err.message : String(err);
    }
  }
  return out;
}
