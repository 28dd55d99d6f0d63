import type { JobProgress, JobRecord, JobState, TaskLogLine, TaskState } from '../model.js';
import { placeholders, type SqlDialect, type SqlExecutor } from './sql-driver.js';

/** A transaction plus the dialect, handed to the store's operations. */
export interface TxContext {
  tx: SqlExecutor;
  dialect: SqlDialect;
}

/** " FOR UPDATE" on PostgreSQL (row lock for the rest of the transaction); nothing on SQLite (the transaction is exclusive). */
export function forUpdate(ctx: TxContext, skipLocked = false): string {
  if (ctx.dialect !== 'postgres') return '';
  return skipLocked ? ' FOR UPDATE SKIP LOCKED' : ' FOR UPDATE';
}

export interface JobRow {
  seq: number;
  job_id: string;
  idempotency_key: string | null;
  spec_hash: string;
  unit: string;
  unit_version: string;
  has_final: number;
  dataset: string;
  symbols: string;
  symbol_count: number;
  start_ms: number;
  end_ms: number;
  task_size: number;
  params_json: string;
  output_dataset: string;
  max_attempts: number;
  state: JobState;
  result_json: string;
  error: string;
  error_stack: string;
  failed_task_index: number;
  created_ms: number;
  updated_ms: number;
  finished_ms: number;
  traceparent: string;
  failure_log_json: string;
  owner: string;
}

export interface TaskRow {
  job_id: string;
  idx: number;
  job_seq: number;
  unit_ref: string;
  final: number;
  symbols: string;
  state: TaskState;
  attempt: number;
  failures: number;
  expiries: number;
  lease_owner: string;
  /** The identity (token subject or certificate CN) that leased the current attempt; '' without identity checks. */
  lease_subject: string;
  lease_expires_ms: number;
  next_run_ms: number;
  result_json: string;
  error: string;
  error_stack: string;
  updated_ms: number;
  log_json: string;
  started_ms: number;
}

const JOB_COLUMNS_NO_SYMBOLS = `seq, job_id, idempotency_key, spec_hash, unit, unit_version, has_final, dataset, symbol_count, start_ms,
  end_ms, task_size, params_json, output_dataset, max_attempts, state, result_json, error, error_stack, failed_task_index,
  created_ms, updated_ms, finished_ms, traceparent, failure_log_json, owner`;

export function jobColumns(withSymbols: boolean): string {
  return withSymbols ? `${JOB_COLUMNS_NO_SYMBOLS}, symbols` : `${JOB_COLUMNS_NO_SYMBOLS}, '[]' AS symbols`;
}

export function emptyProgress(): JobProgress {
  return { tasksTotal: 0, tasksQueued: 0, tasksRunning: 0, tasksSucceeded: 0, tasksFailed: 0, tasksCancelled: 0, retries: 0 };
}

export function jobFromRow(row: JobRow, progress: JobProgress): JobRecord {
  return {
    jobId: row.job_id,
    spec: {
      unit: row.unit,
      unitVersion: row.unit_version,
      dataset: row.dataset,
      symbols: JSON.parse(row.symbols) as string[],
      startMs: Number(row.start_ms),
      endMs: Number(row.end_ms),
      taskSize: Number(row.task_size),
      paramsJson: row.params_json,
      outputDataset: row.output_dataset,
      idempotencyKey: row.idempotency_key ?? '',
      maxAttempts: Number(row.max_attempts),
    },
    specHash: row.spec_hash,
    hasFinal: Number(row.has_final) === 1,
    symbolCount: Number(row.symbol_count),
    state: row.state,
    progress,
    resultJson: row.result_json,
    error: row.error,
    errorStack: row.error_stack,
    failedTaskIndex: Number(row.failed_task_index),
    createdMs: Number(row.created_ms),
    updatedMs: Number(row.updated_ms),
    finishedMs: Number(row.finished_ms),
    traceparent: row.traceparent,
    owner: row.owner,
    failureLog: parseLog(row.failure_log_json),
    seq: Number(row.seq),
  };
}

/** A stored log_json / failure_log_json column ('[]' when nothing was kept). */
export function parseLog(text: string): TaskLogLine[] {
  if (!text || text === '[]') return [];
  return JSON.parse(text) as TaskLogLine[];
}

interface CountRow {
  job_id: string;
  state: TaskState;
  n: number;
  churn: number;
}

/** Task counts per job, derived from the tasks (one query for many jobs). */
export async function progressOf(ex: SqlExecutor, jobIds: readonly string[]): Promise<Map<string, JobProgress>> {
  const out = new Map<string, JobProgress>();
  for (const id of jobIds) out.set(id, emptyProgress());
  if (jobIds.length === 0) return out;
  const rows = await ex.all<CountRow>(
    `SELECT job_id, state, COUNT(*) AS n, SUM(failures + expiries) AS churn FROM coord_tasks
     WHERE job_id IN (${placeholders(jobIds.length)}) GROUP BY job_id, state`,
    jobIds,
  );
  for (const row of rows) {
    const p = out.get(row.job_id)!;
    const n = Number(row.n);
    p.tasksTotal += n;
    // Every failure or lost lease was followed by a retry, except the one that failed a task for good.
    p.retries += Number(row.churn) - (row.state === 'failed' ? n : 0);
    if (row.state === 'queued') p.tasksQueued += n;
    else if (row.state === 'leased') p.tasksRunning += n;
    else if (row.state === 'succeeded') p.tasksSucceeded += n;
    else if (row.state === 'failed') p.tasksFailed += n;
    else p.tasksCancelled += n;
  }
  return out;
}

/** Jobs by id with their progress (missing ids are left out). */
export async function loadJobs(ex: SqlExecutor, jobIds: readonly string[], withSymbols = true): Promise<JobRecord[]> {
  if (jobIds.length === 0) return [];
  const rows = await ex.all<JobRow>(
    `SELECT ${jobColumns(withSymbols)} FROM coord_jobs WHERE job_id IN (${placeholders(jobIds.length)})`,
    jobIds,
  );
  const progress = await progressOf(
    ex,
    rows.map((r) => r.job_id),
  );
  return rows.map((r) => jobFromRow(r, progress.get(r.job_id)!));
}
