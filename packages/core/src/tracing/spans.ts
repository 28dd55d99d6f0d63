import { context, propagation, trace, ROOT_CONTEXT, SpanKind, SpanStatusCode, type Attributes, type AttributeValue } from '@opentelemetry/api';
import { florinTracer, grpcStatusCodeOf, splitPath } from './server-call.js';


/** Sets an attribute on the active span (a no-op without one or without an SDK). */
export function setSpanAttribute(key: string, value: AttributeValue): void {
  trace.getActiveSpan()?.setAttribute(key, value);
}

/** Sets attributes on the active span in one lookup (a no-op without one or without an SDK). */
export function setSpanAttributes(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/**
 * Runs `body` inside an INTERNAL child span of the active span (e.g. the store query under a
 * shard's Read); a rejection marks the span as an error and passes through. Without an active
 * recording span it runs `body` directly: no root spans from internal work.
 */
export async function inChildSpan<T>(name: string, attributes: Attributes, body: () => Promise<T>): Promise<T> {
  const parent = trace.getActiveSpan();
  if (!parent || !parent.isRecording()) return body();
  const span = florinTracer().startSpan(name, { attributes });
  try {
    return await context.with(trace.setSpan(context.active(), span), body);
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}

/** The active span's ids as log fields ({} outside a span): what pino's mixin adds to each line. */
export function traceLogFields(): { trace_id?: string; span_id?: string; trace_flags?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const ctx = span.spanContext();
  if (!trace.isSpanContextValid(ctx)) return {};
  return { trace_id: ctx.traceId, span_id: ctx.spanId, trace_flags: `0${ctx.traceFlags.toString(16)}` };
}

/** The active context as a W3C traceparent header value ('' outside a sampled span): stored with a job so its tasks join the submit's trace. */
export function activeTraceparent(): string {
  const span = trace.getActiveSpan();
  if (!span) return '';
  const ctx = span.spanContext();
  if (!trace.isSpanContextValid(ctx)) return '';
  return `00-${ctx.traceId}-${ctx.spanId}-0${ctx.traceFlags.toString(16)}`;
}

/**
 * Runs one client call inside a CLIENT span named after it (`florin.v1.JobService/Submit`), so a
 * call that starts work elsewhere (a job submit) roots one trace. Kept for such calls only: the
 * generic plumbing propagates context but makes no client spans (see withTraceContext).
 */
export async function traceClientCall<T>(path: string, body: () => Promise<T>): Promise<T> {
  const [service, method] = splitPath(path);
  const span = florinTracer().startSpan(`${service}/${method}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method, 'florin.role': 'client' },
  });
  try {
    const result = await context.with(trace.setSpan(context.active(), span), body);
    span.setAttribute('rpc.grpc.status_code', 0);
    return result;
  } catch (err) {
    span.setAttribute('rpc.grpc.status_code', grpcStatusCodeOf(err));
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw err;
  } finally {
    span.end();
  }
}

/**
 * Runs `body` in a span whose parent is a stored W3C traceparent ('' or malformed: a new
 * trace), e.g. a QCU task continuing the trace of the submit that created its job.
 */
export async function inSpanFromTraceparent<T>(name: string, traceparent: string, attributes: Attributes, body: () => Promise<T>): Promise<T> {
  const parent = traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
  const span = florinTracer().startSpan(name, { attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), body);
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    span.end();
  }
}
