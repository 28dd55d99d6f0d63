import { failedPrecondition, notFound, paramsJsonSchema, validateParams, validateRange, type ParamValue, type ParamsJsonSchema } from '@florin/core';
import { createFinalContext, createTaskContext, type ContextDeps, type ProgressUpdate, type UnitLogEntry } from '../context.js';
import type { DataPort } from '../data-port.js';
import type { Json } from '../params.js';
import type { KernelPool } from '../pool/kernel-pool.js';
import { Publisher } from '../publisher.js';
import type { JobInfo, Task } from '../task.js';
import type { Unit, UnitOutput } from '../unit.js';
import type { OutputDatasets } from './output-datasets.js';
import { PermanentTaskError, describeError, isRetryable } from './task-error.js';
import type { TaskAbort } from '../task-abort.js';
import type { LeasedTask } from './work-port.js';
import { TaskClock, type TaskTimings } from './task-timings.js';

export interface TaskRunnerDeps {
  /** Hosted units by "name@version". */
  units: ReadonlyMap<string, Unit>;
  /** Reads through the head nodes. */
  data: DataPort;
  /** Where published rows are written (the worker's WriteCoalescer, which merges concurrent tasks' writes). */
  writes: Pick<DataPort, 'write'>;
  pool: KernelPool;
  outputs: OutputDatasets;
  onLog: (entry: UnitLogEntry) => void;
  onProgress(taskId: string, update: ProgressUpdate): void;
  /** Where each task's timings go once it has an outcome (not for aborted tasks). */
  onTimings?: (timings: TaskTimings) => void;
}

/** Per-task observers: the worker keeps the task's last log lines and progress for the coordinator. */
export interface TaskHooks {
  /** Epoch ms when the task was leased, for its timings. Default: when it started. */
  leasedAt?: number;
  /** The lease's current write grant (renewed by heartbeats), sent with every write. Default: the one leased with the task. */
  grant?: () => string;
  onLog?(entry: UnitLogEntry): void;
  onProgress?(update: ProgressUpdate): void;
}

/** Each hosted unit's params schema, built (and checked) once rather than per task. */
const paramsSchemas = new WeakMap<Unit, ParamsJsonSchema>();

function paramsSchemaOf(unit: Unit): ParamsJsonSchema {
  let schema = paramsSchemas.get(unit);
  if (!schema) {
    schema = paramsJsonSchema(unit.params, `unit ${unit.name}`);
    paramsSchemas.set(unit, schema);
  }
  return schema;
}

/** A task's outcome without its lease reference. */
export type TaskResult = { ok: true; result: Json } | { ok: false; error: string; stack: string; retryable: boolean };

/**
 * Runs one leased task (or the final step) to an outcome: resolves the unit
 * and params, runs the unit, writes everything it published (creating the
 * output dataset before the first write), and serialises its result. Resolves undefined when
 * `abort` fired (cancelled, lease lost, worker draining): such a task reports
 * nothing, so it costs no attempt.
 */
export async function runLeasedTask(deps: TaskRunnerDeps, leased: LeasedTask, abort: TaskAbort, hooks: TaskHooks = {}): Promise<TaskResult | undefined> {
  const clock = new TaskClock();
  let rowsPublished = 0;
  const report = (result: TaskResult | undefined): TaskResult | undefined => {
    if (result && deps.onTimings) {
      const task = { jobId: leased.jobId, taskId: leased.taskId, final: leased.final, symbols: leased.symbols.length, leasedAt: hooks.leasedAt ?? clock.startedAt };
      deps.onTimings(clock.finish(task, rowsPublished, result.ok));
    }
    return result;
  };
  try {
    const unit = deps.units.get(`${leased.unit.name}@${leased.unit.version}`);
    if (!unit) throw notFound(`this worker does not host unit ${leased.unit.name}@${leased.unit.version}`);
    const params = validateParams(paramsSchemaOf(unit), leased.params, `unit ${unit.name}`);
    const range = validateRange({ start: leased.startMs, end: leased.endMs });
    // The coordinator resolved the job's output dataset at submit (the one submitted, else the unit's): publish there.
    if (!leased.outputDataset) {
      throw failedPrecondition(`task ${leased.taskId} names no output dataset (its job was submitted to a coordinator that predates resolved outputs); resubmit the job`);
    }
    const output: UnitOutput = Object.freeze({ ...unit.output, dataset: leased.outputDataset });
    // The output dataset is created (once per worker) before the first write, so a task that publishes nothing needs no head node.
    const writes: Pick<DataPort, 'write'> = {
      write: async (dataset, fields, frames, options) => {
        const grant = hooks.grant ? hooks.grant() : (leased.grant ?? '');
        await deps.outputs.ensure(output.dataset, output, abort.signal, grant);
        return deps.writes.write(dataset, fields, frames, grant ? { ...options, grants: [grant] } : options);
      },
    };
    const publisher = new Publisher(writes, leased.jobId, {
      datasets: new Map([[output.dataset, output.fields]]),
      get signal() {
        return abort.signal;
      },
    });
    const contextDeps: ContextDeps<Readonly<Record<string, ParamValue>>> = {
      jobId: leased.jobId,
      taskId: leased.final ? 'final' : leased.taskId,
      params,
      abort,
      data: clock.timedData(deps.data),
      pool: clock.timedPool(deps.pool),
      publisher: { publish: (dataset, symbol, frame) => clock.time('publish', () => publisher.publish(dataset, symbol, frame)) },
      output,
      onProgress: (update) => {
        hooks.onProgress?.(update);
        deps.onProgress(leased.taskId, update);
      },
      onLog: (entry) => {
        hooks.onLog?.(entry);
        deps.onLog(entry);
      },
    };
    const base = { jobId: leased.jobId, unit: unit.name, dataset: leased.dataset, symbols: leased.symbols, range, params, attempt: leased.attempt };
    let result: Json | void;
    if (leased.final) {
      if (!unit.final) throw notFound(`unit ${unit.name}@${unit.version} has no final step`);
      const job: JobInfo<typeof params> = { ...base, parts: leased.parts.map((p) => ({ index: p.index, result: (p.result ?? null) as Json })) };
      result = await unit.final(createFinalContext(contextDeps, job), job);
    } else {
      const task: Task<typeof params> = { ...base, taskId: leased.taskId, index: leased.index };
      result = await unit.run(createTaskContext(contextDeps, task), task);
    }
    await clock.time('publish', () => publisher.flush());
    rowsPublished = publisher.rows;
    if (abort.aborted) return undefined;
    const value = result === undefined ? (leased.final ? null : { rowsPublished: publisher.rows }) : result;
    checkJson(value);
    return report({ ok: true, result: value });
  } catch (err) {
    if (abort.aborted) return undefined;
    return report({ ok: false, ...describeError(err), retryable: isRetryable(err) });
  }
}

/** Checks the result serialises (WorkClient sends it as JSON), so one bad result cannot sink a batch of outcomes. */
function checkJson(value: unknown): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new PermanentTaskError(`the unit's result cannot be serialised as JSON: ${(err as Error).message}`);
  }
  if (text === undefined) throw new PermanentTaskError(`the unit's result cannot be serialised as JSON (got ${typeof value})`);
}
