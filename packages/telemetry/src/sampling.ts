import { SpanKind, type Attributes, type Context, type Link } from '@opentelemetry/api';
import { AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';

/**
 * The share of untraced server calls (a read from a client that sends no traceparent) that root a
 * sampled trace, unless configured. Chosen with bench:telemetry (docs/telemetry.md): at 1 the SERVER
 * span and its export cost the head ~6% of its CPU on small cache-hit reads; at 0.01 the cost is
 * within the noise, and a head serving 10,000 reads/s still sends ~100 traces a second.
 */
export const DEFAULT_TRACE_SAMPLE_RATIO = 0.01;

/**
 * Roots by kind: a SERVER span without a parent (a call from a client that does not trace) is
 * sampled at `ratio`; any other root (a job submit's CLIENT span, a task's span) is always
 * sampled: those are few, and each roots the whole trace of a job.
 */
class RootSampler implements Sampler {
  private readonly ratio: TraceIdRatioBasedSampler;
  private readonly always = new AlwaysOnSampler();

  constructor(private readonly ratioValue: number) {
    this.ratio = new TraceIdRatioBasedSampler(ratioValue);
  }

  shouldSample(context: Context, traceId: string, _spanName: string, spanKind: SpanKind, _attributes: Attributes, _links: Link[]): SamplingResult {
    return spanKind === SpanKind.SERVER ? this.ratio.shouldSample(context, traceId) : this.always.shouldSample();
  }

  toString(): string {
    return `FlorinRootSampler{server=${this.ratioValue}}`;
  }
}

/**
 * Head-based, parent-based sampling: a span with a parent follows the parent's sampled flag (so one
 * trace is kept or dropped whole across every process, whoever made the decision), a root follows
 * RootSampler. Unsampled spans are not recorded: no attributes kept, nothing queued or exported.
 */
export function florinSampler(serverRootRatio: number): Sampler {
  return new ParentBasedSampler({ root: new RootSampler(serverRootRatio) });
}
