import { answerField, FlorinError, isTerminalJob, jobStateFromName, type JobEventMessage, type JobMessage, type JobProgressMessage, type JobSpecMessage, type JobState } from '@florin/core';

export { type JobState, TERMINAL_JOB_STATES } from '@florin/core';

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

/**
 * A job as the coordinator reports it: the wire's Job and its JobSpec
 * flattened, with the JSON fields parsed and the state a JobState.
 */
export interface Job
  extends Pick<JobSpecMessage, 'unit' | 'dataset' | 'startMs' | 'endMs' | 'taskSize' | 'idempotencyKey' | 'maxAttempts'>,
    Pick<JobMessage, 'jobId' | 'symbolCount' | 'hasFinal' | 'resultJson' | 'createdMs' | 'updatedMs' | 'owner'> {
  /** The pinned version. */
  unitVersion: string;
  /** Empty in list() answers (symbolCount is always set). */
  symbols: string[];
  /** Params with the unit's defaults filled in. */
  params: Record<string, unknown>;
  /** The dataset the job's results are in: the one submitted, else the unit's output dataset (resolved at submit). */
  outputDataset: string;
  state: JobState;
  progress: JobProgress;
  /** The final step's result (parsed JSON), once a job with a final step succeeded. */
  result: unknown;
  /** The failing unit's message and stack, when state is 'failed'. */
  error?: string;
  errorStack?: string;
  failedTaskIndex?: number;
  /** The failed task's last log lines (ctx.log), when state is 'failed' and it logged any. */
  failureLog?: TaskLogLine[];
  finishedMs?: number;
}

/** One line a unit logged with ctx.log. */
export interface TaskLogLine {
  timeMs: number;
  message: string;
}

/** The last log lines of one task, kept with its last reported outcome. */
export interface TaskLog {
  index: number;
  /** True for the final step. */
  final: boolean;
  /** The attempt whose outcome kept these lines. */
  attempt: number;
  /** The task's state now: queued (a retry waits), leased, succeeded, failed or cancelled. */
  state: string;
  lines: TaskLogLine[];
}

/** A progress event of a job (the wire's JobEvent, with the job as a Job). */
export interface JobEvent extends Omit<JobEventMessage, 'job'> {
  job: Job;
}

/** Whether a job in this state is done (succeeded, failed or cancelled). */
export const isTerminal: (state: JobState) => boolean = isTerminalJob;

function jobStateOf(name: unknown): JobState {
  const state = jobStateFromName(name);
  if (!state) throw new FlorinError('INTERNAL', `the coordinator answered a job in state ${String(name)}, which this client does not know`);
  return state;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function jobFromMessage(m: JobMessage | null): Job {
  m = answerField(m, 'job');
  const spec = answerField(m.spec, 'Job.spec');
  const state = jobStateOf(m.state);
  const job: Job = {
    jobId: m.jobId,
    unit: spec.unit,
    unitVersion: spec.unitVersion,
    dataset: spec.dataset,
    symbols: spec.symbols,
    symbolCount: m.symbolCount,
    startMs: spec.startMs,
    endMs: spec.endMs,
    taskSize: spec.taskSize,
    params: (parseJson(spec.paramsJson) as Record<string, unknown> | undefined) ?? {},
    outputDataset: spec.outputDataset,
    idempotencyKey: spec.idempotencyKey,
    maxAttempts: spec.maxAttempts,
    state,
    progress: { ...answerField(m.progress, 'Job.progress') },
    hasFinal: m.hasFinal,
    result: parseJson(m.resultJson),
    resultJson: m.resultJson,
    createdMs: m.createdMs,
    updatedMs: m.updatedMs,
    owner: m.owner,
  };
  if (m.error) {
    job.error = m.error;
    job.errorStack = m.errorStack;
    if (m.failedTaskIndex >= 0) job.failedTaskIndex = m.failedTaskIndex;
    if (m.failureLog.length > 0) job.failureLog = m.failureLog.map((l) => ({ timeMs: l.timeMs, message: l.message }));
  }
  if (m.finishedMs > 0) job.finishedMs = m.finishedMs;
  return job;
}
