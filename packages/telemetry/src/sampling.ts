import { AlwaysOnSampler, ParentBasedSampler, type Sampler } from '@opentelemetry/sdk-trace-base';

/**
 * The share of untraced server calls (a read from a client that sends no traceparent) that root a
 * sampled trace, unless configured (FLORIN_TRACE_SAMPLE_RATIO). Chosen with bench:telemetry: see
 * docs/telemetry.md ("Sampling"); a head serving 10,000 reads/s still roots ~10 traces a second, and every job is traced whole.
 */
export const DEFAULT_TRACE_SAMPLE_RATIO = 0.001;

/**
 * Head-based, parent-based sampling: a span with a parent follows the parent's sampled flag (so one
 * trace is kept or dropped whole across every process, whoever decided), and a root is sampled.
 * The ratio for untraced server calls is applied before any span is made, in core's traceServerCall
 * (setServerRootSampleRatio): an unpicked call makes no span at all. Other roots (a job submit's
 * CLIENT span, a QCU task without a stored parent) are few and each roots a whole job: always kept.
 * Unsampled spans are not recorded: no attributes kept, nothing queued or exported.
 */
export function florinSampler(): Sampler {
  return new ParentBasedSampler({ root: new AlwaysOnSampler() });
}
