import type { Metadata } from '@grpc/grpc-js';
import { context, metrics, propagation, trace, SpanKind, ROOT_CONTEXT, type Histogram, type MeterProvider, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
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

/**
 * `rpc.server.duration` (ms) of the OpenTelemetry RPC semantic conventions, from whichever
 * MeterProvider is global now: made again when the SDK is (re)started, a no-op before.
 */
let durationCache: { provider: MeterProvider; histogram: Histogram } | undefined;
function durationHistogram(): Histogram {
  const provider = metrics.getMeterProvider();
  if (durationCache?.provider !== provider) {
    const histogram = provider.getMeter(TELEMETRY_SCOPE).createHistogram('rpc.server.duration', {
      description: 'Measures the duration of inbound RPC.',
      unit: 'ms',
    });
    durationCache = { provider, histogram };
  }
  return durationCache.histogram;
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

/**
 * Serves one server call inside a SERVER span that continues the caller's trace (W3C
 * traceparent in the call's metadata): rpc.system=grpc, rpc.service, rpc.method and
 * rpc.grpc.status_code, and one rpc.server.duration point per call. `body` resolves when the
 * call is answered (0 = OK) or rejects with what fails it (its status is recorded and the
 * rejection passes through). Without an OpenTelemetry SDK every call here is a no-op.
 */
export async function traceServerCall<T>(path: string, metadata: Metadata, body: (span: Span) => Promise<T>): Promise<T> {
  const [service, method] = splitPath(path);
  const parent = propagation.extract(ROOT_CONTEXT, metadata, metadataGetter);
  const span = florinTracer().startSpan(
    `${service}/${method}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method, 'florin.role': ROLE_OF_SERVICE[service] ?? service },
    },
    parent,
  );
  const started = performance.now();
  let code = 0;
  try {
    return await context.with(trace.setSpan(parent, span), body, undefined, span);
  } catch (err) {
    code = grpcStatusCodeOf(err);
    throw err;
  } finally {
    span.setAttribute('rpc.grpc.status_code', code);
    if (code !== 0) span.setStatus({ code: 2 });
    span.end();
    durationHistogram().record(performance.now() - started, {
      'rpc.system': 'grpc',
      'rpc.service': service,
      'rpc.method': method,
      'rpc.grpc.status_code': code,
    });
  }
}
