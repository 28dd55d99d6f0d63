import type { JobMessage, JobProgressMessage } from '@florin/core';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const TERMINAL_JOB_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

/** What a researcher submits. */
export interface JobSubmission {
  /** Unit name as registered by QCUs. */
  unit: string;
  /** Default: the most recently registered version, pinned at submit. */
  unitVersion?: string;
  /** Input dataset. */
  dataset: string;
  /**
   * The universe: explicit symbols, or 'all' for every symbol of the dataset,
   * resolved by the client's `resolveUniverse` before submit (and frozen in the job).
   */
  symbols: readonly string[] | 'all';
  /** Half-open [startMs, endMs), epoch ms. */
  startMs: number;
  endMs: number;
  /** Symbols per task. Default (coordinator): 25. */
  taskSize?: number;
  /** Unit params (checked against the unit's schema; defaults filled in). */
  params?: Record<string, unknown>;
  /** Dataset the results are published into. Default: the unit's output dataset (recorded in the job either way). */
  outputDataset?: string;
  /** The same key answers the same job (no new tasks). */
  idempotencyKey?: string;
  /** Attempts per task for retryable errors. Default (coordinator): 3. */
  maxAttempts?: number;
}

/** Task counts of a job (the wire's JobProgress). */
export type JobProgress = JobProgressMessage;

/** A job as the coordinator reports it. */
export interface Job {
  jobId: string;
  unit: string;
  /** The pinned version. */
  unitVersion: string;
  dataset: string;
  /** Empty in list() answers (symbolCount is always set). */
  symbols: string[];
  symbolCount: number;
  startMs: number;
  endMs: number;
  taskSize: number;
  /** Params with the unit's defaults filled in. */
  params: Record<string, unknown>;
  /** The dataset the job's results are in: the one submitted, else the unit's output dataset (resolved at submit). */
  outputDataset: string;
  idempotencyKey: string;
  maxAttempts: number;
  state: JobState;
  progress: JobProgress;
  hasFinal: boolean;
  /** The final step's result (parsed JSON), once a job with a final step succeeded. */
  result: unknown;
  resultJson: string;
  /** The failing unit's message and stack, when state is 'failed'. */
  error?: string;
  errorStack?: string;
  failedTaskIndex?: number;
  createdMs: number;
  updatedMs: number;
  finishedMs?: number;
}

export interface JobEvent {
  job: Job;
  /** The snapshot sent first. */
  initial: boolean;
  /** The last event: the job is succeeded, failed or cancelled. */
  terminal: boolean;
}

export function isTerminal(state: JobState): boolean {
  return TERMINAL_JOB_STATES.includes(state);
}

export function jobStateOf(name: string): JobState {
  return name.replace(/^JOB_STATE_/, '').toLowerCase() as JobState;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function jobFromMessage(m: JobMessage): Job {
  const state = jobStateOf(m.state);
  const job: Job = {
    jobId: m.jobId,
    unit: m.spec.unit,
    unitVersion: m.spec.unitVersion,
    dataset: m.spec.dataset,
    symbols: m.spec.symbols,
    symbolCount: m.symbolCount,
    startMs: m.spec.startMs,
    endMs: m.spec.endMs,
    taskSize: m.spec.taskSize,
    params: (parseJson(m.spec.paramsJson) as Record<string, unknown> | undefined) ?? {},
    outputDataset: m.spec.outputDataset,
    idempotencyKey: m.spec.idempotencyKey,
    maxAttempts: m.spec.maxAttempts,
    state,
    progress: { ...m.progress },
    hasFinal: m.hasFinal,
    result: parseJson(m.resultJson),
    resultJson: m.resultJson,
    createdMs: m.createdMs,
    updatedMs: m.updatedMs,
  };
  if (m.error) {
    job.error = m.error;
    job.errorStack = m.errorStack;
    if (m.failedTaskIndex >= 0) job.failedTaskIndex = m.failedTaskIndex;
  }
  if (m.finishedMs > 0) job.finishedMs = m.finishedMs;
  return job;
}
