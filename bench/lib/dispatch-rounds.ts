import { progress } from './bench-options.js';
import type { DispatchRun } from './dispatch-run.js';

/** A started dispatcher configuration that can run batches (a Florin or a BullMQ fleet). */
export interface Contender {
  /** e.g. "florin-4qcu-FULL", "bullmq-4w". */
  readonly name: string;
  runBatch(tasks: number): Promise<DispatchRun>;
  /** Light load: `count` single tasks, one every `intervalMs`. */
  runTrickle(count: number, intervalMs: number): Promise<DispatchRun>;
  /** Wraps each timed batch (e.g. to CPU-profile it); `round` counts from 0. */
  around?<T>(round: number, batch: () => Promise<T>): Promise<T>;
}

/** Starts a contender, runs `body` with it, and stops it whatever happens. */
export type ContenderOpener = <T>(body: (contender: Contender) => Promise<T>) => Promise<T>;

/** Every contender's timed runs, in round order. */
export interface ContenderRuns {
  readonly contender: Contender;
  readonly runs: readonly DispatchRun[];
  /** The light-load run (undefined when lightTasks is 0). */
  readonly light: DispatchRun | undefined;
}

/** Opens every contender (nested, so all are up at once), runs `body`, and closes them in reverse order. */
export function withContenders<T>(openers: readonly ContenderOpener[], body: (contenders: Contender[]) => Promise<T>): Promise<T> {
  const [first, ...rest] = openers;
  if (!first) return body([]);
  return first((c) => withContenders(rest, (others) => body([c, ...others])));
}

/**
 * One untimed warm-up batch per contender, then `rounds` rounds in which each
 * contender runs one timed batch in turn (A B A B ...), so drifting machine
 * load affects all of them alike; then one light-load run each.
 */
export async function runRounds(
  contenders: readonly Contender[],
  settings: { tasks: number; warmup: number; rounds: number; lightTasks: number; lightIntervalMs: number },
): Promise<ContenderRuns[]> {
  for (const c of contenders) if (settings.warmup > 0) await c.runBatch(settings.warmup);
  const runs = contenders.map(() => [] as DispatchRun[]);
  for (let round = 0; round < settings.rounds; round++) {
    for (const [k, c] of contenders.entries()) {
      const batch = () => c.runBatch(settings.tasks);
      const run = await (c.around ? c.around(round, batch) : batch());
      runs[k]!.push(run);
      progress(`${c.name} round ${round + 1}/${settings.rounds}: ${Math.round(run.tasksPerSec)} tasks/s, done p50 ${Math.round(run.doneLatency.p50Ms)} ms`);
    }
  }
  const light: (DispatchRun | undefined)[] = [];
  for (const c of contenders) {
    const run = settings.lightTasks > 0 ? await c.runTrickle(settings.lightTasks, settings.lightIntervalMs) : undefined;
    if (run) progress(`${c.name} light load (${settings.lightTasks} tasks, one every ${settings.lightIntervalMs} ms): done p50 ${run.doneLatency.p50Ms} ms, p99 ${run.doneLatency.p99Ms} ms`);
    light.push(run);
  }
  return contenders.map((contender, k) => ({ contender, runs: runs[k]!, light: light[k] }));
}

/** The run with the median throughput (the lower middle one for an even count). */
export function medianRun(runs: readonly DispatchRun[]): DispatchRun {
  if (runs.length === 0) throw new Error('no runs');
  const sorted = [...runs].sort((a, b) => a.tasksPerSec - b.tasksPerSec);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
