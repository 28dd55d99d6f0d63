/** Domain records of the job system, as the JobStore keeps them. */
import { backoffDelayMs, type JobProgressMessage, type JobState, type JobSpecMessage, type LeaseLossReason, type LeaseRef, type TaskMessage, type TaskOutcomeMessage, type UnitDefinitionMessage, type UnitOutputMessage } from '@florin/core';

export { type JobState, type LeaseLossReason, type LeaseRef, TERMINAL_JOB_STATES, isTerminalJob } from '@florin/core';

export type TaskState = 'queued' | 'leased' | 'succeeded' | 'failed' | 'cancelled';

/** Where a unit publishes its results: one dataset keyed by (symbol, timestamp) (the wire's UnitOutput). */
export type UnitOutput = UnitOutputMessage;

/** A unit definition (the wire's, with `paramsSchemaJson` the canonical JSON of the params schema, "{}" for none). */
export interface UnitDefinition extends Omit<UnitDefinitionMessage, 'output'> {
  /**
   * The unit's output. A unit stored before outputs were recorded (an older
   * QCU's registration) has dataset '' until its QCUs register it again.
   */
  output: UnitOutput;
}

export interface UnitRecord extends UnitDefinition {
  workerId: string;
  registeredMs: number;
  updatedMs: number;
}

/**
 * A job's spec after validation: version pinned, defaults filled, symbols
 * deduplicated; `paramsJson` is the canonical JSON of the params with schema
 * defaults filled in, and `outputDataset` the one submitted, else the unit's.
 * The same fields as the wire's JobSpec.
 */
export type ResolvedJobSpec = JobSpecMessage;

/** Task counts of a job (the wire's JobProgress). */
export type JobProgress = JobProgressMessage;

export interface JobRecord {
  jobId: string;
  spec: ResolvedJobSpec;
  /** Hash of the submitted spec, compared when an idempotency key is reused. */
  specHash: string;
  hasFinal: boolean;
  /** Symbols in the universe (also when spec.symbols was left out, as in List). */
  symbolCount: number;
  state: JobState;
  progress: JobProgress;
  resultJson: string;
  error: string;
  errorStack: string;
  failedTaskIndex: number;
  createdMs: number;
  updatedMs: number;
  finishedMs: number;
  /** W3C trace context of the submit ('' when it was not traced): every task's span continues it. */
  traceparent: string;
  /** Who submitted it (the caller's token sub or certificate CN); '' when the cluster checks no identity. */
  owner: string;
  /** The failed task's last log lines (failed jobs only). */
  failureLog: TaskLogLine[];
  /** The job's position in submit order (List pages by it); set when read from a store. */
  seq?: number;
}

/** One line a unit logged (the wire's TaskLogLine). */
export interface TaskLogLine {
  timeMs: number;
  message: string;
}

/** The log lines kept with a task's last reported outcome (the wire's TaskLog). */
export interface TaskLogRecord {
  index: number;
  final: boolean;
  attempt: number;
  state: TaskState;
  lines: TaskLogLine[];
}

export interface NewJob {
  /** W3C trace context of the submit ('' when not traced). */
  traceparent: string;
  jobId: string;
  spec: ResolvedJobSpec;
  specHash: string;
  hasFinal: boolean;
  nowMs: number;
  /** The submitting caller's identity ('' without security). */
  owner: string;
}

/**
 * A task handed to a QCU under a lease: the wire's Task (the store answers it
 * ready to send). `parts` holds the regular tasks' results, for the final task only.
 */
export type LeasedTask = TaskMessage;

/** A task as the store keeps it (ListTasks). */
export interface TaskRecord {
  index: number;
  state: TaskState;
  attempts: number;
  failures: number;
  expiries: number;
  workerId: string;
  startedMs: number;
  updatedMs: number;
  final: boolean;
  symbolCount: number;
  firstSymbol: string;
  error: string;
  errorStack: string;
}

/** A validated outcome (the wire's TaskOutcome). */
export type TaskOutcome = TaskOutcomeMessage;

export interface OutcomeAck extends LeaseRef {
  accepted: boolean;
  /** Set when not accepted, or 'already_completed' for an accepted duplicate. */
  reason?: LeaseLossReason;
}

/** The retry and size rules a store applies when tasks fail, expire or complete. */
export interface TaskPolicy {
  retryBaseMs: number;
  retryMaxMs: number;
  maxLeaseExpiries: number;
  maxResultBytes: number;
  maxFinalInputBytes: number;
}

/** Exponential backoff before the next attempt after `failures` failed attempts (1-based). */
export function backoffMs(policy: Pick<TaskPolicy, 'retryBaseMs' | 'retryMaxMs'>, failures: number): number {
  return backoffDelayMs({ initialMs: policy.retryBaseMs, maxMs: policy.retryMaxMs }, failures - 1);
}

export function taskIdOf(jobId: string, index: number): string {
  return `${jobId}/${index}`;
}

/** Splits "<jobId>/<index>"; undefined when malformed. */
export function parseTaskId(taskId: string): { jobId: string; index: number } | undefined {
  const slash = taskId.lastIndexOf('/');
  if (slash <= 0) return undefined;
  const index = Number(taskId.slice(slash + 1));
  if (!Number.isSafeInteger(index) || index < 0 || String(index) !== taskId.slice(slash + 1)) return undefined;
  return { jobId: taskId.slice(0, slash), index };
}

export function unitRefKey(name: string, version: string): string {
  return `${name}@${version}`;
}
