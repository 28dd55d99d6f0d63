import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
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
  /** CPU time of the dispatcher's server (coordinator process / redis-server) during the batch, in ms; null when not measurable. */
  readonly serverCpuMs: number | null;
  /** CPU time of this process (workers and submitter) during the batch, in ms. */
  readonly clientCpuMs: number;
}

/** CPU clocks at the start of a batch. */
export interface CpuMark {
  readonly server: number | undefined;
  readonly client: NodeJS.CpuUsage;
  readonly readServer: () => Promise<number | undefined>;
}

/** Reads the server's CPU clock (ms) and this process's. */
export async function cpuMark(readServer: () => Promise<number | undefined>): Promise<CpuMark> {
  return { server: await readServer(), client: process.cpuUsage(), readServer };
}

/** CPU spent since `mark`, in ms. */
export async function cpuSpent(mark: CpuMark): Promise<{ serverCpuMs: number | null; clientCpuMs: number }> {
  const server = await mark.readServer();
  const client = process.cpuUsage(mark.client);
  return {
    serverCpuMs: server === undefined || mark.server === undefined ? null : Math.round((server - mark.server) * 10) / 10,
    clientCpuMs: Math.round((client.user + client.system) / 100) / 10,
  };
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
  readonly cpu: { serverCpuMs: number | null; clientCpuMs: number };
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
    ...s.cpu,
  };
}

function latencies(stamps: readonly number[], fromMs: number): LatencySummary {
  return latencyOf(stamps.map((t) => t - fromMs));
}

function latencyOf(values: readonly number[]): LatencySummary {
  const recorder = new LatencyRecorder();
  try {
    // LatencyRecorder clamps to at least 1 µs: a 0 ms difference (the same millisecond) records as 0.001 ms.
    for (const ms of values) recorder.record(Math.max(0, ms));
    return recorder.summary();
  } finally {
    recorder.destroy();
  }
}

/** One task of a light-load run: submitted on its own. */
export interface TrickleSample {
  readonly submitAtMs: number;
  readonly startedAtMs: number;
  readonly doneAtMs: number;
}

/**
 * Latency percentiles of a light-load run, each task measured from its own
 * submit; tasksPerSec is just the pacing rate (tasks / first submit to last completion).
 */
export function summarizeTrickle(label: string, samples: readonly TrickleSample[], runs: number, cpu: { serverCpuMs: number | null; clientCpuMs: number }): DispatchRun {
  if (samples.length === 0) throw new Error(`${label}: no samples`);
  const missing = samples.filter((s) => !Number.isFinite(s.startedAtMs) || !Number.isFinite(s.doneAtMs)).length;
  if (missing > 0) throw new Error(`${label}: ${missing} of ${samples.length} tasks have no start or completion stamp`);
  const first = Math.min(...samples.map((s) => s.submitAtMs));
  const last = Math.max(...samples.map((s) => s.doneAtMs));
  const elapsedMs = Math.max(1, last - first);
  return {
    tasks: samples.length,
    submitMs: 0,
    elapsedMs,
    tasksPerSec: (samples.length * 1000) / elapsedMs,
    observedMs: elapsedMs,
    startLatency: latencyOf(samples.map((s) => s.startedAtMs - s.submitAtMs)),
    doneLatency: latencyOf(samples.map((s) => s.doneAtMs - s.submitAtMs)),
    reruns: runs - samples.length,
    ...cpu,
  };
}

/** Starts `op` every `intervalMs` (open loop: not waiting for the previous one), `count` times; answers their promises. */
export async function paced<T>(count: number, intervalMs: number, op: () => Promise<T>): Promise<Promise<T>[]> {
  const started: Promise<T>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = t0 + i * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    const p = op();
    p.catch(() => undefined); // awaited by the caller; a failure must not surface as unhandled meanwhile
    started.push(p);
  }
  return started;
}

/** AbortSignal.timeout for a batch, shared by many concurrent calls (no listener-count warning). */
export function timeoutSignal(ms: number): AbortSignal {
  const signal = AbortSignal.timeout(ms);
  setMaxListeners(0, signal);
  return signal;
}
