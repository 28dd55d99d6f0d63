import { failedPrecondition } from '@florin/core';
import { unitRefKey, type JobRecord, type NewJob } from '../model.js';
import type { ListJobsFilter } from './job-store.js';
import { emptyProgress, jobColumns, jobFromRow, loadJobs, progressOf, type JobRow, type TxContext } from './job-rows.js';
import { endJob, lockJob } from './job-settle.js';
import { placeholders, type SqlExecutor, type SqlValue } from './sql-driver.js';

/** Task rows per INSERT statement (13 parameters each; well under every placeholder limit). */
const TASK_INSERT_CHUNK = 200;

/**
 * Inserts the job and its tasks. An existing job with the same idempotency
 * key wins (also against a concurrent insert: ON CONFLICT DO NOTHING, then read it).
 */
export async function insertJob(ctx: TxContext, job: NewJob): Promise<{ job: JobRecord; created: boolean }> {
  const { spec } = job;
  const key = spec.idempotencyKey === '' ? null : spec.idempotencyKey;
  if (key !== null) {
    const existing = await jobByKey(ctx.tx, key);
    if (existing) return { job: existing, created: false };
  }
  await requireOutputFree(ctx, job);
  const inserted = await ctx.tx.run(
    `INSERT INTO coord_jobs (job_id, idempotency_key, spec_hash, unit, unit_version, has_final, dataset, symbols, symbol_count,
       start_ms, end_ms, task_size, params_json, output_dataset, max_attempts, state, created_ms, updated_ms, traceparent, owner)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
    [
      job.jobId, key, job.specHash, spec.unit, spec.unitVersion, job.hasFinal ? 1 : 0, spec.dataset, JSON.stringify(spec.symbols),
      spec.symbols.length, spec.startMs, spec.endMs, spec.taskSize, spec.paramsJson, spec.outputDataset, spec.maxAttempts,
      job.nowMs, job.nowMs, job.traceparent, job.owner,
    ],
  );
  if (inserted === 0) {
    const existing = key === null ? undefined : await jobByKey(ctx.tx, key);
    if (existing) return { job: existing, created: false };
    throw new Error(`job id ${job.jobId} collided with an existing job`);
  }
  const [row] = await ctx.tx.all<JobRow>(`SELECT ${jobColumns(false)} FROM coord_jobs WHERE job_id = ?`, [job.jobId]);
  const tasks = await insertTasks(ctx.tx, job, Number(row!.seq));
  // Answered from what was just written: every task queued, the universe as submitted (no re-read, no recount).
  const record = jobFromRow(row!, { ...emptyProgress(), tasksTotal: tasks, tasksQueued: tasks });
  record.spec.symbols = [...spec.symbols];
  return { job: record, created: true };
}

/**
 * One owner at a time per output dataset: a job whose output dataset is the
 * output of another owner's queued or running job is refused
 * (FAILED_PRECONDITION naming that job). Each job's write grants cover its
 * output dataset for its symbols, so two owners' concurrent jobs could
 * overwrite each other's rows; one owner's jobs may share an output (a
 * universe split over several jobs). Without identities every owner is ''.
 * On PostgreSQL a transaction-scoped advisory lock per dataset name orders
 * concurrent submits of one output.
 */
async function requireOutputFree(ctx: TxContext, job: NewJob): Promise<void> {
  if (job.owner === '') return;
  const output = job.spec.outputDataset;
  if (ctx.dialect === 'postgres') await ctx.tx.all(`SELECT pg_advisory_xact_lock(727201802, hashtext(?))`, [output]);
  const [other] = await ctx.tx.all<{ job_id: string; owner: string; state: string }>(
    `SELECT job_id, owner, state FROM coord_jobs WHERE output_dataset = ? AND state IN ('queued', 'running') AND owner <> ? ORDER BY seq LIMIT 1`,
    [output, job.owner],
  );
  if (!other) return;
  throw failedPrecondition(
    `output dataset ${output} is being written by job ${other.job_id} of ${JSON.stringify(other.owner)} (${other.state}); ` +
      `jobs of different owners may not write one output dataset at the same time: name another spec.output_dataset, or wait for that job to finish`,
  );
}

/** Inserts the job's tasks; answers how many. */
async function insertTasks(tx: SqlExecutor, job: NewJob, seq: number): Promise<number> {
  const { symbols, taskSize } = job.spec;
  const unitRef = unitRefKey(job.spec.unit, job.spec.unitVersion);
  const count = Math.ceil(symbols.length / taskSize);
  for (let first = 0; first < count; first += TASK_INSERT_CHUNK) {
    const last = Math.min(count, first + TASK_INSERT_CHUNK);
    const values: SqlValue[] = [];
    for (let i = first; i < last; i++) {
      const slice = symbols.slice(i * taskSize, (i + 1) * taskSize);
      values.push(job.jobId, i, seq, unitRef, JSON.stringify(slice), job.nowMs, job.nowMs);
    }
    const row = `(?, ?, ?, ?, 0, ?, 'queued', ?, ?)`;
    await tx.run(
      `INSERT INTO coord_tasks (job_id, idx, job_seq, unit_ref, final, symbols, state, next_run_ms, updated_ms)
       VALUES ${Array.from({ length: last - first }, () => row).join(', ')}`,
      values,
    );
  }
  return count;
}

async function jobByKey(tx: SqlExecutor, key: string): Promise<JobRecord | undefined> {
  const rows = await tx.all<JobRow>(`SELECT ${jobColumns(true)} FROM coord_jobs WHERE idempotency_key = ?`, [key]);
  if (!rows[0]) return undefined;
  const progress = await progressOf(tx, [rows[0].job_id]);
  return jobFromRow(rows[0], progress.get(rows[0].job_id)!);
}

/** Cancels a queued or running job; terminal jobs are left as they are. Answers whether anything changed. */
export async function cancelJobTx(ctx: TxContext, jobId: string, nowMs: number): Promise<{ job: JobRecord | undefined; changed: boolean }> {
  const row = await lockJob(ctx, jobId);
  if (!row) return { job: undefined, changed: false };
  const changed = row.state === 'queued' || row.state === 'running';
  if (changed) await endJob(ctx, jobId, 'cancelled', nowMs);
  const [job] = await loadJobs(ctx.tx, [jobId]);
  return { job, changed };
}

/** Newest first, filtered by state and unit. */
export async function selectJobs(ex: SqlExecutor, filter: ListJobsFilter): Promise<JobRecord[]> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.states && filter.states.length > 0) {
    where.push(`state IN (${placeholders(filter.states.length)})`);
    params.push(...filter.states);
  }
  if (filter.unit) {
    where.push('unit = ?');
    params.push(filter.unit);
  }
  if (filter.owner !== undefined) {
    where.push('owner = ?');
    params.push(filter.owner);
  }
  if (filter.updatedSinceMs !== undefined && filter.updatedSinceMs > 0) {
    where.push('updated_ms >= ?');
    params.push(filter.updatedSinceMs);
  }
  if (filter.beforeSeq !== undefined) {
    where.push('seq < ?');
    params.push(filter.beforeSeq);
  }
  params.push(filter.limit);
  const rows = await ex.all<JobRow>(
    `SELECT ${jobColumns(!filter.omitSymbols)} FROM coord_jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY ${filter.updatedSinceMs ? 'updated_ms, seq' : 'seq DESC'} LIMIT ?`,
    params,
  );
  const progress = await progressOf(
    ex,
    rows.map((r) => r.job_id),
  );
  return rows.map((r) => jobFromRow(r, progress.get(r.job_id)!));
}
