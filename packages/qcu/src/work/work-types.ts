import type { ParamsJsonSchema } from '@florin/core';
import type { TaskMessage } from '@florin/core';

/** Where a unit publishes its results: one dataset keyed by (symbol, timestamp). */
export interface UnitOutputDeclaration {
  /** The dataset a job submitted without outputDataset publishes into. */
  dataset: string;
  /** Its fields (1.., distinct). */
  fields: readonly string[];
  /** Its bar frequency, e.g. "1d". */
  frequency: string;
}

/** A unit a QCU hosts, as declared to the coordinator. */
export interface UnitDeclaration {
  name: string;
  version: string;
  /** The params as one JSON object schema (see paramsJsonSchema in @florin/core). Default: no params. */
  paramsSchema?: ParamsJsonSchema;
  /** True: each job gets one extra final task after all regular tasks succeed. */
  hasFinal?: boolean;
  description?: string;
  /** Required: the coordinator records it, and resolves a job's outputDataset to it when the job names none. */
  output: UnitOutputDeclaration;
}

export interface UnitRef {
  name: string;
  version: string;
}

/** A leased task. Echo `taskId` and `attempt` in heartbeat() and complete(). */
export interface LeasedTask {
  taskId: string;
  jobId: string;
  index: number;
  /** The fencing token: 1 on the first lease, +1 each time the task is leased again. */
  attempt: number;
  unit: UnitRef;
  /** The final task: `symbols` is the whole universe and `parts` holds every regular task's result. */
  final: boolean;
  dataset: string;
  symbols: string[];
  startMs: number;
  endMs: number;
  /** The job's params with schema defaults filled in. */
  params: Record<string, unknown>;
  /** The job's output dataset (resolved by the coordinator: the one submitted, else the unit's). */
  outputDataset: string;
  parts: { index: number; result: unknown }[];
  leaseExpiresMs: number;
  maxAttempts: number;
}

/** Why a worker must stop a task (its completion will be refused). */
export type LeaseLossReason = 'lease_lost' | 'job_cancelled' | 'job_failed' | 'unknown_task' | 'already_completed';

export interface LeaseRef {
  taskId: string;
  attempt: number;
}

export interface HeartbeatAnswer {
  extended: (LeaseRef & { leaseExpiresMs: number })[];
  /** Abort these tasks (AbortSignal); each named lease is in exactly one list. */
  lost: (LeaseRef & { reason: LeaseLossReason })[];
}

/**
 * What a task ended with. `result` must be JSON-serializable (it is stored as
 * JSON). A failure is retried with backoff while attempts remain unless
 * `retryable` is false (default true).
 */
export type TaskOutcome =
  | (LeaseRef & { ok: true; result?: unknown })
  | (LeaseRef & { ok: false; error: string; stack?: string; retryable?: boolean });

export interface OutcomeAck extends LeaseRef {
  /** True: the outcome is durable. False: stale or the job ended; nothing changed. */
  accepted: boolean;
  reason?: LeaseLossReason;
}

export function lossReasonOf(name: string): LeaseLossReason | undefined {
  if (name === 'LEASE_LOSS_REASON_UNSPECIFIED' || name === '') return undefined;
  return name.replace(/^LEASE_LOSS_REASON_/, '').toLowerCase() as LeaseLossReason;
}

function parseJson(text: string): unknown {
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

export function taskFromMessage(m: TaskMessage): LeasedTask {
  return {
    taskId: m.taskId,
    jobId: m.jobId,
    index: m.index,
    attempt: m.attempt,
    unit: { name: m.unit.name, version: m.unit.version },
    final: m.final,
    dataset: m.dataset,
    symbols: m.symbols,
    startMs: m.startMs,
    endMs: m.endMs,
    params: (parseJson(m.paramsJson) as Record<string, unknown> | undefined) ?? {},
    outputDataset: m.outputDataset,
    parts: m.parts.map((p) => ({ index: p.index, result: parseJson(p.resultJson) })),
    leaseExpiresMs: m.leaseExpiresMs,
    maxAttempts: m.maxAttempts,
  };
}
