import {
  answerField,
  type ExtendedLeaseMessage,
  type LeaseLossReason,
  type LeaseRef,
  type OutcomeAckMessage,
  type ParamsJsonSchema,
  type TaskMessage,
  type UnitRefMessage,
} from '@florin/core';

export { type LeaseLossReason, type LeaseRef, lossReasonOf } from '@florin/core';

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

export type UnitRef = UnitRefMessage;

/**
 * A leased task (the wire's Task, with the JSON fields parsed). Echo `taskId`
 * and `attempt` (the fencing token: 1 on the first lease, +1 each time the
 * task is leased again) in heartbeat() and complete(). A final task's
 * `symbols` is the whole universe and its `parts` hold every regular task's
 * result; `outputDataset` is the job's (resolved by the coordinator: the one
 * submitted, else the unit's).
 */
export interface LeasedTask extends Omit<TaskMessage, 'unit' | 'paramsJson' | 'parts'> {
  unit: UnitRef;
  /** The job's params with schema defaults filled in. */
  params: Record<string, unknown>;
  parts: { index: number; result: unknown }[];
}

export interface HeartbeatAnswer {
  extended: ExtendedLeaseMessage[];
  /** Abort these tasks (AbortSignal); each named lease is in exactly one list. */
  lost: (LeaseRef & { reason: LeaseLossReason })[];
}

/**
 * What a task ended with. `result` must be JSON-serializable (it is stored as
 * JSON). A failure is retried with backoff while attempts remain unless
 * `retryable` is false (default true).
 */
export type TaskOutcome =
  | (LeaseRef & { ok: true; result?: unknown; log?: readonly TaskLogLine[] })
  | (LeaseRef & { ok: false; error: string; stack?: string; retryable?: boolean; log?: readonly TaskLogLine[] });

/** One line a unit logged (ctx.log), kept with the task's outcome. */
export interface TaskLogLine {
  timeMs: number;
  message: string;
}

/** A held lease as a heartbeat reports it: with the unit's last progress, if any. */
export interface LeaseReport extends LeaseRef {
  /** In [0, 1]; 0 when only a message was reported. */
  progress?: number;
  progressMessage?: string;
}

export interface OutcomeAck extends Pick<OutcomeAckMessage, 'taskId' | 'attempt'> {
  /** True: the outcome is durable. False: stale or the job ended; nothing changed. */
  accepted: boolean;
  reason?: LeaseLossReason;
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
    unit: { ...answerField(m.unit, 'Task.unit') },
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
    traceparent: m.traceparent,
    grant: m.grant,
  };
}
