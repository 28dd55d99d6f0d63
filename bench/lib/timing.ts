/** How long to repeat a measured operation. */
export interface TimingOptions {
  /** Untimed runs first (JIT, caches, connections). Default 2. */
  readonly warmup?: number;
  /** Timed runs at least. Default 5. */
  readonly minIterations?: number;
  /** Timed runs continue until this many seconds have passed (and minIterations are done). Default 1. */
  readonly minSeconds?: number;
  /** Timed runs at most, whatever the time. Default 100000. */
  readonly maxIterations?: number;
}

export const TIMING_DEFAULTS = Object.freeze({ warmup: 2, minIterations: 5, minSeconds: 1, maxIterations: 100_000 });

/** What a timing loop measured. `units` is whatever the operation reports doing (points, rows, bytes). */
export interface Timing {
  readonly iterations: number;
  readonly totalMs: number;
  readonly units: number;
  /** units / total seconds: throughput including every pause (GC, scheduling) of the timed runs. */
  readonly unitsPerSec: number;
  readonly meanMs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly p90Ms: number;
}

/** An operation resolving the units of work it did. `i` counts up across all its runs, so it can rotate through queries. */
export type Operation = (i: number) => Promise<number>;

/** One of several operations timed against each other. */
export interface Contender {
  readonly operation: Operation;
  /** Wraps each timed stretch of this contender (e.g. to profile it); `round` counts from 0. */
  readonly around?: <T>(round: number, stretch: () => Promise<T>) => Promise<T>;
}

/** Runs `operation` `warmup` times untimed, then timed until both minIterations and minSeconds are reached. */
export async function timeLoop(operation: Operation, options: TimingOptions = {}): Promise<Timing> {
  const [timing] = await timeInterleaved([{ operation }], options, 1);
  return timing!;
}

/**
 * Times contenders against each other in `rounds` alternating stretches
 * (A B A B ...), each stretch getting 1/rounds of the iterations and seconds,
 * so drift in machine load affects all of them alike. Warm-up runs come
 * before each contender's first stretch. Returns one Timing per contender, in order.
 */
export async function timeInterleaved(contenders: readonly Contender[], options: TimingOptions = {}, rounds = 3): Promise<Timing[]> {
  const config = { ...TIMING_DEFAULTS, ...definedOnly(options) };
  const perRound = {
    iterations: Math.ceil(config.minIterations / rounds),
    ms: (config.minSeconds * 1000) / rounds,
    max: Math.ceil(config.maxIterations / rounds),
  };
  const state = contenders.map(() => ({ next: 0, samples: [] as number[], units: 0 }));
  for (let round = 0; round < rounds; round++) {
    for (const [k, contender] of contenders.entries()) {
      const s = state[k]!;
      const stretch = async (): Promise<void> => {
        if (round === 0) for (let w = 0; w < config.warmup; w++) await contender.operation(s.next++);
        const started = performance.now();
        for (let n = 0; n < perRound.max && (n < perRound.iterations || performance.now() - started < perRound.ms); n++) {
          const t = performance.now();
          s.units += await contender.operation(s.next++);
          s.samples.push(performance.now() - t);
        }
      };
      await (contender.around ? contender.around(round, stretch) : stretch());
    }
  }
  return state.map((s) => summarize(s.samples, s.units));
}

function summarize(samples: readonly number[], units: number): Timing {
  const totalMs = samples.reduce((a, b) => a + b, 0);
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    iterations: samples.length,
    totalMs,
    units,
    unitsPerSec: totalMs > 0 ? (units * 1000) / totalMs : 0,
    meanMs: totalMs / Math.max(1, samples.length),
    medianMs: quantile(sorted, 0.5),
    minMs: sorted[0] ?? 0,
    p90Ms: quantile(sorted, 0.9),
  };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
