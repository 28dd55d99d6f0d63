import type { Attributes } from '@opentelemetry/api';

/** The OpenTelemetry SDK's default explicit histogram bounds (ms), so the points look like any SDK histogram's. */
export const RPC_DURATION_BOUNDS: readonly number[] = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

/** One series of rpc.server.duration (one method, one status): a cumulative explicit-bucket histogram. */
export interface DurationSeries {
  readonly attributes: Attributes;
  /** counts[i] = values <= RPC_DURATION_BOUNDS[i] (and above the bound before); the last one: above every bound. */
  readonly counts: Float64Array;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * `rpc.server.duration`, pre-aggregated: every server call adds its duration to its series with a few
 * arithmetic operations on a series found once per method (no attribute hashing per call, which the
 * SDK's Histogram.record does: ~2 us a call, measured with bench:telemetry, a few % of a cache-hit
 * read). The telemetry package exports the series through a MetricProducer of its metric reader.
 * Off (nothing recorded) until telemetry turns it on.
 */
export class RpcDurationTable {
  private readonly all: DurationSeries[] = [];
  private on = false;
  private startedAt = Date.now();

  get recording(): boolean {
    return this.on;
  }

  /** Since when the cumulative series count (epoch ms). */
  get startMs(): number {
    return this.startedAt;
  }

  /** Starts (cleared: cumulative from now) or stops recording. */
  setRecording(on: boolean): void {
    this.on = on;
    for (const s of this.all) reset(s);
    this.startedAt = Date.now();
  }

  /** A new series (kept for export); callers cache it per method and status. */
  series(attributes: Attributes): DurationSeries {
    const s: DurationSeries = { attributes, counts: new Float64Array(RPC_DURATION_BOUNDS.length + 1), count: 0, sum: 0, min: Infinity, max: -Infinity };
    this.all.push(s);
    return s;
  }

  record(s: DurationSeries, ms: number): void {
    if (!this.on) return;
    let i = 0;
    while (i < RPC_DURATION_BOUNDS.length && ms > RPC_DURATION_BOUNDS[i]!) i++;
    s.counts[i]!++;
    s.count++;
    s.sum += ms;
    if (ms < s.min) s.min = ms;
    if (ms > s.max) s.max = ms;
  }

  /** The series with at least one call. */
  snapshot(): readonly DurationSeries[] {
    return this.all.filter((s) => s.count > 0);
  }
}

function reset(s: DurationSeries): void {
  s.counts.fill(0);
  s.count = 0;
  s.sum = 0;
  s.min = Infinity;
  s.max = -Infinity;
}

/** The process's rpc.server.duration series (what traceServerCall records into). */
export const serverDurations = new RpcDurationTable();

/**
 * The share of server calls without a traceparent that root a sampled trace (1 until telemetry sets
 * its configured ratio). Decided here, before any span is made, so an unsampled untraced call costs
 * no span at all; calls carrying a traceparent are left to the SDK's parent-based sampler.
 */
let rootRatio = 1;
export function setServerRootSampleRatio(ratio: number): void {
  if (!(ratio >= 0 && ratio <= 1)) throw new RangeError(`a sample ratio is from 0 to 1, got ${ratio}`);
  rootRatio = ratio;
}
export function sampleServerRoot(): boolean {
  return rootRatio >= 1 || (rootRatio > 0 && Math.random() < rootRatio);
}
