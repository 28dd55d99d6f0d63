/** How many recent reads the latency percentiles are taken over. */
export const LATENCY_WINDOW = 1024;

/**
 * Latencies of the most recent reads (a ring of LATENCY_WINDOW), and their
 * percentiles on demand: what the dashboard shows as a head's p50 and p99.
 */
export class ReadLatency {
  private readonly ring = new Float64Array(LATENCY_WINDOW);
  private count = 0;

  record(ms: number): void {
    this.ring[this.count % LATENCY_WINDOW] = ms;
    this.count++;
  }

  /** The q-quantile (0..1, nearest rank) of the window in ms; 0 before any read. */
  percentile(q: number): number {
    const n = Math.min(this.count, LATENCY_WINDOW);
    if (n === 0) return 0;
    const sorted = this.ring.slice(0, n).sort();
    return sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
  }

  clear(): void {
    this.count = 0;
  }
}
