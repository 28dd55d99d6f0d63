import { isArrayValue, createLogger, type Logger } from '@florin/core';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { AddressSource, ClientSecurity, Limits, MemberSource } from '@florin/core';
import type { UnitLogEntry, ProgressUpdate } from '../context.js';
import type { Unit } from '../unit.js';
import type { TaskTimings } from './task-timings.js';

/** Options of a QcuWorker. Every field but coordinator, heads and units has a documented default. */
export interface QcuWorkerOptions {
  /** Coordinator address (host:port), or an AddressSource (discovery) the worker follows when the coordinator moves. */
  coordinator: string | AddressSource;
  /**
   * Head nodes: addresses, or { id, address } members with the ids the heads
   * were started with, or a live MemberSource (discovery); reads and writes go
   * to each key's owning head (the SDK's DataClient takes all three).
   */
  heads: readonly (string | { readonly id: string; readonly address: string })[] | MemberSource;
  /** Units this worker hosts (defineUnit / loadUnits). Names@versions must be distinct. */
  units: readonly Unit[];
  /** Worker id sent to the coordinator. Default `qcu-<hostname>-<pid>-<random>`. */
  workerId?: string;
  /** Tasks run at once. Default 4. */
  concurrency?: number;
  /** Most tasks asked for in one LeaseTasks call (never more than free slots plus prefetch); also the deepest auto prefetch. Default 64. */
  batchSize?: number;
  /**
   * Tasks leased ahead of free slots: they wait here (heartbeated) and start the moment a slot frees, so
   * short tasks do not wait a LeaseTasks round trip each. Default 'auto': sized from measured task run
   * times and coordinator round trips (deep for short tasks, none for long ones; see PrefetchGauge). A
   * number fixes it; 0 leases only for free slots.
   */
  prefetch?: number | 'auto';
  /** Lease length asked for, in ms; heartbeats go every leaseMs / 3. Default 30,000. */
  leaseMs?: number;
  /** LeaseTasks long poll: how long the coordinator may hold the call when no task is ready. Default 20,000 ms. */
  pollWaitMs?: number;
  /** Kernel worker threads (0: run kernels inline). Default availableParallelism() - 1, at least 1. */
  computeThreads?: number;
  /** Drain deadline used by the SIGTERM handler and by drain() without an argument. Default 110,000 ms (Fargate Spot gives 120 s). */
  drainDeadlineMs?: number;
  /** Lease length asked for tasks handed back when a drain runs out of time: they requeue this soon. Default 100 ms (the coordinator's minimum). */
  handBackLeaseMs?: number;
  /** How long start() keeps retrying RegisterUnits while the coordinator is unavailable. Default 60,000 ms. */
  startTimeoutMs?: number;
  /** Channel limits of the coordinator and head clients. */
  limits?: Partial<Limits>;
  /** TLS and the QCU's token for its calls to the coordinator and the heads; default none (plaintext). */
  security?: ClientSecurity;
  /** Where ctx.log lines go. Default: one JSON line on stderr. */
  onLog?: (entry: UnitLogEntry) => void;
  /** ctx.progress reports (the wire has no progress field; counts of tasks are the job's progress). Default: ignored. */
  onProgress?: (taskId: string, update: ProgressUpdate) => void;
  /** Errors of background work (lease, heartbeat and completion calls). Default: logged (core's createLogger). */
  onError?: (err: unknown, during: string) => void;
  /**
   * Each task's timings (read, compute, publish, run; epoch-ms start and end) once it has an outcome.
   * Default: one `task timings` line at debug level (FLORIN_LOG_LEVEL=debug shows them; bench:job reads them).
   */
  onTaskTimings?: (timings: TaskTimings) => void;
}

export interface QcuWorkerConfig extends Required<Omit<QcuWorkerOptions, 'limits' | 'computeThreads' | 'security'>> {
  security: ClientSecurity | undefined;
  prefetch: number | 'auto';
  limits: Partial<Limits>;
  computeThreads: number | undefined;
  heartbeatMs: number;
}

export const QCU_DEFAULTS = Object.freeze({
  concurrency: 4,
  batchSize: 64,
  leaseMs: 30_000,
  pollWaitMs: 20_000,
  drainDeadlineMs: 110_000,
  handBackLeaseMs: 100,
  startTimeoutMs: 60_000,
});

/** Resolves options over QCU_DEFAULTS; rejects invalid values with a precise TypeError. */
let unitLogger: Logger | undefined;
let qcuLogger: Logger | undefined;
/** Unit lines (ctx.log): one JSON object each on stderr with jobId, taskId and message. */
const unitLog = (): Logger => (unitLogger ??= createLogger('unit'));
const qcuLog = (): Logger => (qcuLogger ??= createLogger('qcu'));

export function resolveQcuWorkerOptions(options: QcuWorkerOptions): QcuWorkerConfig {
  if (typeof options !== 'object' || options === null) throw new TypeError('QcuWorker needs options { coordinator, heads, units }');
  const coordinatorOk = typeof options.coordinator === 'string' ? options.coordinator !== '' : typeof options.coordinator?.current === 'function';
  if (!coordinatorOk) throw new TypeError('QcuWorker option coordinator must be a host:port address (or an AddressSource)');
  const headsOk = isArrayValue(options.heads) ? options.heads.length > 0 : typeof (options.heads as MemberSource | undefined)?.members === 'function';
  if (!headsOk) throw new TypeError('QcuWorker option heads must list at least one head node address (or be a MemberSource)');
  if (!isArrayValue(options.units) || options.units.length === 0) throw new TypeError('QcuWorker option units must list at least one unit');
  const keys = options.units.map((u) => `${u.name}@${u.version}`);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice) throw new TypeError(`QcuWorker option units names ${twice} twice`);
  const numbers: Record<keyof typeof QCU_DEFAULTS, number> = { ...QCU_DEFAULTS };
  for (const key of Object.keys(QCU_DEFAULTS) as (keyof typeof QCU_DEFAULTS)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < (key === 'drainDeadlineMs' ? 0 : 1)) {
      throw new TypeError(`QcuWorker option ${key} must be a positive integer, got ${String(value)}`);
    }
    numbers[key] = value;
  }
  const prefetch = options.prefetch ?? 'auto';
  if (prefetch !== 'auto' && (!Number.isSafeInteger(prefetch) || prefetch < 0)) {
    throw new TypeError(`QcuWorker option prefetch must be 'auto' or a non-negative integer, got ${String(options.prefetch)}`);
  }
  if (numbers.pollWaitMs > 60_000) throw new TypeError(`QcuWorker option pollWaitMs must be at most 60000 (the coordinator's limit), got ${numbers.pollWaitMs}`);
  if (numbers.leaseMs < 300) throw new TypeError(`QcuWorker option leaseMs must be at least 300 ms (heartbeats go every leaseMs / 3), got ${numbers.leaseMs}`);
  return {
    ...numbers,
    prefetch,
    coordinator: options.coordinator,
    heads: isArrayValue(options.heads) ? [...options.heads] : options.heads,
    units: [...options.units],
    workerId: options.workerId ?? `qcu-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    computeThreads: options.computeThreads,
    limits: options.limits ?? {},
    security: options.security,
    onLog: options.onLog ?? ((entry) => unitLog().info({ jobId: entry.jobId, taskId: entry.taskId }, entry.message)),
    onProgress: options.onProgress ?? (() => undefined),
    onError: options.onError ?? ((err, during) => qcuLog().error({ err }, `${during} failed`)),
    onTaskTimings: options.onTaskTimings ?? ((timings) => qcuLog().debug({ timings }, 'task timings')),
    heartbeatMs: Math.floor(numbers.leaseMs / 3),
  };
}
