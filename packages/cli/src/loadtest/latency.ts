import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

/** Latency percentiles of a run, in ms. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/** Highest latency tracked: one hour, in µs (longer calls are clamped to it). */
const HIGHEST_US = 3_600_000_000;

/**
 * Request latencies in an HDR histogram: µs resolution, 3 significant digits
 * (percentiles within 0.1%), constant memory whatever the number of requests.
 */
export class LatencyRecorder {
  private readonly histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
  });
  private destroyed = false;

  record(ms: number): void {
    this.histogram.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))));
  }

  /** The histogram, compressed and base64-encoded (HdrHistogram's portable encoding), to merge elsewhere with add(). */
  encode(): string {
    return encodeIntoCompressedBase64(this.histogram);
  }

  /**
   * Adds a histogram encoded by encode() (another recorder's, e.g. another
   * load generator's): the merged percentiles are those of every recorded
   * latency, not an average of percentiles.
   */
  add(encoded: string): void {
    let other: Histogram;
    try {
      other = decodeFromCompressedBase64(encoded);
    } catch (err) {
      throw new TypeError(`not an encoded latency histogram: ${(err as Error).message}`, { cause: err });
    }
    try {
      this.histogram.add(other);
    } finally {
      other.destroy();
    }
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const ms = (us: number): number => us / 1000;
    return {
      count: h.totalCount,
      p50Ms: ms(h.getValueAtPercentile(50)),
      p95Ms: ms(h.getValueAtPercentile(95)),
      p99Ms: ms(h.getValueAtPercentile(99)),
      maxMs: ms(h.maxValue),
      meanMs: h.totalCount > 0 ? ms(h.mean) : 0,
    };
  }

  /** Frees the histogram. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.histogram.destroy();
  }
}
