import { Metadata } from '@grpc/grpc-js';
import { context, propagation, trace } from '@opentelemetry/api';
import { metadataSetter } from './metadata-carrier.js';

/**
 * The client side of propagation: when the caller is inside a recording span, `metadata`
 * (or new Metadata) gains its W3C traceparent so the server's span joins the trace. Outside a
 * span it returns `metadata` untouched: no client spans are made here (they cost ~40% of
 * small-call throughput when both ends are instrumented; the server span carries the timing).
 */
export function withTraceContext(metadata?: Metadata): Metadata | undefined {
  const span = trace.getActiveSpan();
  if (!span || !span.isRecording()) return metadata;
  const carrier = metadata ?? new Metadata();
  propagation.inject(context.active(), carrier, metadataSetter);
  return carrier;
}
