import type { Metadata } from '@grpc/grpc-js';
import { context, propagation, trace, SpanKind, ROOT_CONTEXT, INVALID_SPAN_CONTEXT, type Attributes, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { sampleServerRoot, serverDurations, type DurationSeries } from './rpc-durations.js';
import { FlorinError, grpcStatusOf, isServiceError } from '../errors.js';
import { metadataGetter } from './metadata-carrier.js';

/** The instrumentation scope of every span and instrument core makes. */
export const TELEMETRY_SCOPE = '@florin/core';

/** The tracer of the global TracerProvider now (made again when the SDK is restarted and the global API reset). */
let tracerCache: { provider: TracerProvider; tracer: Tracer } | undefined;
export function florinTracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (tracerCache?.provider !== provider) tracerCache = { provider, tracer: provider.getTracer(TELEMETRY_SCOPE) };
  return tracerCache.tracer;
}

/** The gRPC status code a handler's failure becomes (as toServiceError maps it). */
export function grpcStatusCodeOf(err: unknown): number {
  if (err instanceof FlorinError) return err.grpcStatus;
  if (isServiceError(err)) return err.code;
  return grpcStatusOf('INTERNAL');
}

/** The Florin role serving each service (a span attribute, so one in-process cluster's spans still say which role made them). */
const ROLE_OF_SERVICE: Readonly<Record<string, string>> = {
  'florin.v1.ShardService': 'shard',
  'florin.v1.HeadService': 'head',
  'florin.v1.JobService': 'coordinator',
  'florin.v1.WorkService': 'coordinator',
};

/** "/florin.v1.HeadService/Read" -> ["florin.v1.HeadService", "Read"]. */
export function splitPath(path: string): [service: string, method: string] {
  const slash = path.lastIndexOf('/');
  return [path.slice(path.startsWith('/') ? 1 : 0, slash), path.slice(slash + 1)];
}

/** What traceServerCall needs of a method path, made once per path (no per-call strings or attribute objects). */
interface MethodNames {
  readonly spanName: string;
  readonly startAttributes: Attributes;
  /** rpc.server.duration series, one per status code seen. */
  readonly durations: Map<number, DurationSeries>;
  readonly service: string;
  readonly method: string;
}

const methodNames = new Map<string, MethodNames>();
/** Paths are a server's own methods (grpc-js answers unknown ones itself), so the map stays small; bounded anyway. */
const MAX_METHOD_NAMES = 1_024;

function namesOf(path: string): MethodNames {
  let names = methodNames.get(path);
  if (!names) {
    const [service, method] = splitPath(path);
    names = {
      spanName: `${service}/${method}`,
      startAttributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method, 'florin.role': ROLE_OF_SERVICE[service] ?? service },
      durations: new Map(),
      service,
      method,
    };
    if (methodNames.size < MAX_METHOD_NAMES) methodNames.set(path, names);
  }
  return names;
}

function durationSeries(names: MethodNames, code: number): DurationSeries {
  let series = names.durations.get(code);
  if (!series) {
    series = serverDurations.series({ 'rpc.system': 'grpc', 'rpc.service': names.service, 'rpc.method': names.method, 'rpc.grpc.status_code': code });
    names.durations.set(code, series);
  }
  return series;
}

/**
 * Serves one server call inside a SERVER span that continues the caller's trace (W3C
 * traceparent in the call's metadata): rpc.system=grpc, rpc.service, rpc.method and
 * rpc.grpc.status_code, and one rpc.server.duration point per call (every call, sampled or not).
 * `body` resolves when the call is answered (0 = OK) or rejects with what fails it (its status is
 * recorded and the rejection passes through). Without an OpenTelemetry SDK every call here is a no-op.
 *
 * The sampler decides at the span's start (parent-based: a traced caller's flag is followed,
 * untraced calls root a trace at the configured ratio). An unsampled span is not recording: `body`
 * then runs without entering a new context (no AsyncLocalStorage run, no attributes): its child
 * spans are skipped and nothing is propagated downstream, so the cost of an unsampled call is the
 * sampler's decision and the duration histogram.
 */
export async function traceServerCall<T>(path: string, metadata: Metadata, body: (span: Span) => Promise<T>): Promise<T> {
  const names = namesOf(path);
  const started = performance.now();
  // An untraced call that the root ratio does not pick makes no span at all (the common case of a read).
  if (metadata.get(TRACEPARENT).length === 0 && !sampleServerRoot()) return untraced(names, started, body);
  const parent = propagation.extract(ROOT_CONTEXT, metadata, metadataGetter);
  const span = florinTracer().startSpan(names.spanName, { kind: SpanKind.SERVER, attributes: names.startAttributes }, parent);
  const recording = span.isRecording();
  let code = 0;
  try {
    if (recording) return await context.with(trace.setSpan(parent, span), body, undefined, span);
    // Unsampled: no new context, unless the caller's context holds a span (it must not leak into this call).
    return await (context.active() === ROOT_CONTEXT ? body(span) : context.with(ROOT_CONTEXT, body, undefined, span));
  } catch (err) {
    code = grpcStatusCodeOf(err);
    throw err;
  } finally {
    if (recording) {
      span.setAttribute('rpc.grpc.status_code', code);
      if (code !== 0) span.setStatus({ code: 2 });
    }
    span.end();
    serverDurations.record(durationSeries(names, code), performance.now() - started);
  }
}

const TRACEPARENT = 'traceparent';

async function untraced<T>(names: MethodNames, started: number, body: (span: Span) => Promise<T>): Promise<T> {
  let code = 0;
  try {
    return await (context.active() === ROOT_CONTEXT ? body(INVALID_SPAN) : context.with(ROOT_CONTEXT, body, undefined, INVALID_SPAN));
  } catch (err) {
    code = grpcStatusCodeOf(err);
    throw err;
  } finally {
    serverDurations.record(durationSeries(names, code), performance.now() - started);
  }
}

/** The span an untraced call's body gets: not recording, so every use of it is a no-op. */
const INVALID_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
