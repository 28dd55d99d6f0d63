/** Weight of the newest sample in the moving averages. */
const ALPHA = 0.2;
/** Runs shorter than this count as this long (a no-op task must not make the prefetch infinite). */
const MIN_RUN_MS = 0.01;

/**
 * How many tasks a QcuWorker leases beyond its free slots.
 *
 * A fixed number when the worker was given one. Otherwise ('auto') it is sized
 * so that each slot has enough tasks waiting to stay busy for one coordinator
 * round trip: floor(concurrency x round trip / task run time), from moving
 * averages of both, at most max(batchSize, concurrency). Short tasks thus get a
 * deep prefetch (fewer, fuller LeaseTasks calls). Tasks that run longer than
 * `concurrency` round trips get none: a slot then idles one round trip between
 * tasks (a small share of such a task), and a busy worker never holds a task
 * that an idle one could run. Before the first measurements it is 0.
 */
export class PrefetchGauge {
  private runMs: number | undefined;
  private roundTripMs: number | undefined;

  constructor(
    private readonly fixed: number | 'auto',
    private readonly concurrency: number,
    private readonly most: number,
  ) {}

  /** A task's unit code ran this long. */
  taskRan(ms: number): void {
    this.runMs = average(this.runMs, Math.max(MIN_RUN_MS, ms));
  }

  /** A call to the coordinator that never waits (CompleteTasks, a LeaseTasks carrying outcomes) took this long. */
  roundTrip(ms: number): void {
    this.roundTripMs = average(this.roundTripMs, ms);
  }

  get prefetch(): number {
    if (this.fixed !== 'auto') return this.fixed;
    if (this.runMs === undefined || this.roundTripMs === undefined) return 0;
    return Math.min(this.most, Math.floor((this.concurrency * this.roundTripMs) / this.runMs));
  }
}

function average(previous: number | undefined, sample: number): number {
  return previous === undefined ? sample : previous + ALPHA * (sample - previous);
}
