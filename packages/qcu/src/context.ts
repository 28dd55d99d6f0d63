import { format } from 'node:util';
import { invalidArgument, type SeriesFrame } from '@florin/core';
import type { DataPort, DataReadOptions, UnitData } from './data-port.js';
import type { Kernel } from './pool/kernel.js';
import type { KernelPool } from './pool/kernel-pool.js';
import type { Publisher, PublishFrame } from './publisher.js';
import type { JobInfo, Task } from './task.js';
import type { TaskAbort } from './task-abort.js';
import type { UnitOutput } from './unit.js';

/** A progress report: a fraction done in [0, 1], a message, or both. */
export interface ProgressUpdate {
  fraction?: number;
  message?: string;
}

/** One line a unit logged with ctx.log, with the task it belongs to. */
export interface UnitLogEntry {
  time: number;
  jobId: string;
  /** The task id, or "final" for the final step. */
  taskId: string;
  message: string;
}

/** What `run` and `final` both get. */
export interface UnitContext<P> {
  readonly jobId: string;
  /** The job's params, validated, defaults filled in. */
  readonly params: P;
  /** Fires when the task is cancelled, its lease is lost, or the worker stops. Pass it on to long work. */
  readonly signal: AbortSignal;
  /** Reads through the head nodes (key-owned routing). `signal` defaults to ctx.signal. */
  readonly data: UnitData;
  /** The unit's output dataset. */
  readonly output: UnitOutput;
  /**
   * Buffers `symbol`'s rows for `dataset` and writes them through the owning
   * head node, tagged with the job id. Idempotent: rows upsert by (symbol, ts).
   * Everything published is written before the task is reported complete.
   * Do not modify the arrays after publishing them.
   */
  publish(dataset: string, symbol: string, frame: PublishFrame): Promise<void>;
  /** Runs a compute kernel on the worker-thread pool (off the event loop). Aborts with ctx.signal. */
  compute: <K>(kernel: Kernel<K>, inputs: readonly Float64Array[], params: K) => Promise<Float64Array[]>;
  /** Reports progress: a fraction in [0, 1] or a message. */
  progress(update: number | string): void;
  /** Logs a line (formatted like console.log) tagged with the job and task. */
  log(...args: unknown[]): void;
}

export interface TaskContext<P> extends UnitContext<P> {
  readonly task: Task<P>;
}

export interface FinalContext<P> extends UnitContext<P> {
  readonly job: JobInfo<P>;
  /**
   * Reads the output dataset for the job's whole universe and range: everything its tasks published.
   * The heads answer it from their caches: a head caches what the tasks wrote through it when the
   * shards say those rows are all the chunks hold (a new output dataset, or a rerun writing the same
   * rows), so the final step reads no row back from the shards. `coalesce: false` sends it straight to the shards.
   */
  readOutput(options?: { fields?: readonly string[] } & DataReadOptions): Promise<SeriesFrame[]>;
}

/** What the runtime wires into a context. */
export interface ContextDeps<P> {
  jobId: string;
  taskId: string;
  params: P;
  /** The task's cancellation; its signal is made when the unit first asks for it. */
  abort: TaskAbort;
  data: DataPort;
  pool: Pick<KernelPool, 'run'>;
  publisher: Pick<Publisher, 'publish'>;
  output: UnitOutput;
  onProgress(update: ProgressUpdate): void;
  onLog: (entry: UnitLogEntry) => void;
}

export function createTaskContext<P>(deps: ContextDeps<P>, task: Task<P>): TaskContext<P> {
  // Not a spread: that would read the lazy signal getter.
  return Object.defineProperty(baseContext(deps), 'task', { value: task, enumerable: true }) as TaskContext<P>;
}

export function createFinalContext<P>(deps: ContextDeps<P>, job: JobInfo<P>): FinalContext<P> {
  const base = baseContext(deps);
  const readOutput: FinalContext<P>['readOutput'] = (options = {}) => {
    const { fields, ...call } = options;
    return base.data.read({ dataset: deps.output.dataset, symbols: job.symbols, fields: fields ?? deps.output.fields, range: job.range }, call);
  };
  return Object.defineProperties(base, { job: { value: job, enumerable: true }, readOutput: { value: readOutput, enumerable: true } }) as FinalContext<P>;
}

function baseContext<P>(deps: ContextDeps<P>): UnitContext<P> {
  const { abort } = deps;
  return {
    jobId: deps.jobId,
    params: deps.params,
    get signal() {
      return abort.signal;
    },
    output: deps.output,
    data: { read: (query, options) => deps.data.read(query, { ...options, signal: options?.signal ?? abort.signal }) },
    publish: (dataset, symbol, frame) => deps.publisher.publish(dataset, symbol, frame),
    compute: (kernel, inputs, params) => deps.pool.run(kernel, inputs, params, { signal: abort.signal }),
    progress(update) {
      if (typeof update === 'number') {
        if (!(update >= 0 && update <= 1)) throw invalidArgument(`progress fraction must be in [0, 1], got ${update}`);
        deps.onProgress({ fraction: update });
      } else {
        deps.onProgress({ message: String(update) });
      }
    },
    log: (...args) => deps.onLog({ time: Date.now(), jobId: deps.jobId, taskId: deps.taskId, message: format(...args) }),
  };
}
