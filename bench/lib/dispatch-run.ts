import { LatencyRecorder, type LatencySummary } from '@florin/cli';

/**
 * One timed batch of no-op tasks through a dispatcher (Florin's coordinator or
 * BullMQ). All times are epoch ms (Date.now(), one clock: everything runs on
 * this machine), so latencies have 1 ms resolution.
 */
export interface DispatchRun {
  readonly tasks: number;
  /** How long the submit call (Florin Submit / BullMQ addBulk) took. */
  readonly submitMs: number;
  /** From the submit call to the last completion the dispatcher recorded. */
  readonly elapsedMs: number;
  /** tasks / elapsed seconds. */
  readonly tasksPerSec: number;
  /** From the submit call until the submitter learned that everything was done (Watch terminal event / last 'completed' event). */
  readonly observedMs: number;
  /** Submit -> the task's code began running, per task. */
  readonly startLatency: LatencySummary;
  /** Submit -> the dispatcher stamped the task's completion, per task. */
  readonly doneLatency: LatencySummary;
  /** Extra executions (a task run more than once: lost lease, retry, stall). */
  readonly reruns: number;
}

/** Per-task stamps of a batch, collected by the dispatcher's harness. */
export interface BatchStamps {
  readonly tasks: number;
  readonly submitAtMs: number;
  readonly submittedAtMs: number;
  /** When the submitter learned that the batch was done. */
  readonly observedAtMs: number;
  /** When each task first began running (one per task). */
  readonly startedAtMs: readonly number[];
  /** When the dispatcher recorded each task's completion (one per task). */
  readonly doneAtMs: readonly number[];
  readonly runs: number;
}

/** Throughput and latency percentiles of a batch; throws when stamps are missing (a task lost or never run). */
export function summarizeBatch(label: string, s: BatchStamps): DispatchRun {
  if (s.startedAtMs.length !== s.tasks || s.doneAtMs.length !== s.tasks) {
    throw new Error(`${label}: ${s.tasks} tasks submitted but ${s.startedAtMs.length} started and ${s.doneAtMs.length} completed`);
  }
  const lastDone = s.doneAtMs.reduce((a, b) => Math.max(a, b), s.submitAtMs);
  const elapsedMs = Math.max(1, lastDone - s.submitAtMs);
  return {
    tasks: s.tasks,
    submitMs: s.submittedAtMs - s.submitAtMs,
    elapsedMs,
    tasksPerSec: (s.tasks * 1000) / elapsedMs,
    observedMs: s.observedAtMs - s.submitAtMs,
    startLatency: latencies(s.startedAtMs, s.submitAtMs),
    doneLatency: latencies(s.doneAtMs, s.submitAtMs),
    reruns: s.runs - s.tasks,
  };
}

function latencies(stamps: readonly number[], fromMs: number): LatencySummary {
  const recorder = new LatencyRecorder();
  try {
    // LatencyRecorder clamps below 1 µs; a 0 ms stamp difference (same millisecond) records as ~0.
    for (const t of stamps) recorder.record(Math.max(0, t - fromMs));
    return recorder.summary();
  } finally {
    recorder.destroy();
  }
}
