import { permissionDenied } from '@florin/core';
import {
  taskIdOf,
  unitRefKey,
  type JobState,
  type LeaseLossReason,
  type LeaseRef,
  type LeasedTask,
  type TaskPolicy,
} from '../model.js';
import type { ChangeSet, HeartbeatResult, LeaseRequest } from './job-store.js';
import { forUpdate, jobColumns, type JobRow, type TaskRow, type TxContext } from './job-rows.js';
import { endJob, lockJob } from './job-settle.js';
import { placeholders, type SqlExecutor } from './sql-driver.js';

/** Groups values by job id, keeping first-seen order. */
export function byJob<T>(items: readonly T[], jobOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = jobOf(item);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** The columns lease checks and outcomes need (lockTasks reads only these). */
export type TaskLeaseRow = Pick<TaskRow, 'idx' | 'state' | 'attempt' | 'lease_owner' | 'lease_subject' | 'failures'>;

/**
 * Refuses (PERMISSION_DENIED, the whole call) a heartbeat or outcome for an
 * attempt leased by another identity: a lease is bound to the identity that
 * leased it (token subject or certificate CN), not only to the worker id the
 * caller chose. `subject` undefined checks nothing (plaintext, or admin).
 */
export function requireLeaseHolder(row: TaskLeaseRow | undefined, subject: string | undefined, taskId: string, attempt: number, action: string): void {
  if (subject === undefined || !row || row.attempt !== attempt || row.lease_subject === '' || row.lease_subject === subject) return;
  throw permissionDenied(
    `task ${taskId} attempt ${attempt} was leased by ${JSON.stringify(row.lease_subject)}; ${JSON.stringify(subject)} may ${action} only the tasks it leased itself`,
  );
}

/** Whether `workerId` still holds attempt `attempt` of the task, or why not. */
export function leaseStatus(row: TaskLeaseRow | undefined, jobState: JobState | undefined, workerId: string, attempt: number): 'held' | LeaseLossReason {
  if (!row) return 'unknown_task';
  if (row.attempt !== attempt || row.lease_owner !== workerId) return 'lease_lost';
  switch (row.state) {
    case 'leased':
      return 'held';
    case 'queued':
      return 'lease_lost';
    case 'succeeded':
    case 'failed':
      return 'already_completed';
    case 'cancelled':
      return jobState === 'failed' ? 'job_failed' : 'job_cancelled';
  }
}

/** Task rows of one job by index (locked on PostgreSQL). */
export async function lockTasks(ctx: TxContext, jobId: string, indexes: readonly number[]): Promise<Map<number, TaskLeaseRow>> {
  const rows = await ctx.tx.all<TaskLeaseRow>(
    `SELECT idx, state, attempt, lease_owner, lease_subject, failures FROM coord_tasks WHERE job_id = ? AND idx IN (${placeholders(indexes.length)})${forUpdate(ctx)}`,
    [jobId, ...indexes],
  );
  return new Map(rows.map((r) => [Number(r.idx), { ...r, idx: Number(r.idx), attempt: Number(r.attempt) }]));
}

export async function jobStates(ex: SqlExecutor, jobIds: readonly string[]): Promise<Map<string, JobState>> {
  if (jobIds.length === 0) return new Map();
  const rows = await ex.all<{ job_id: string; state: JobState }>(
    `SELECT job_id, state FROM coord_jobs WHERE job_id IN (${placeholders(jobIds.length)})`,
    jobIds,
  );
  return new Map(rows.map((r) => [r.job_id, r.state]));
}

/** Requeues expired leases; a task past maxLeaseExpiries fails its job. */
export async function requeueExpiredTx(ctx: TxContext, nowMs: number, policy: TaskPolicy): Promise<ChangeSet> {
  const rows = await ctx.tx.all<Pick<TaskRow, 'job_id' | 'idx' | 'expiries' | 'lease_owner'>>(
    `SELECT job_id, idx, expiries, lease_owner FROM coord_tasks WHERE state = 'leased' AND lease_expires_ms <= ?
     ORDER BY job_seq, idx${forUpdate(ctx, true)}`,
    [nowMs],
  );
  const changes: ChangeSet = { jobIds: [], tasksReady: false };
  for (const [jobId, tasks] of byJob(rows, (r) => r.job_id)) {
    changes.jobIds.push(jobId);
    const requeue = tasks.filter((t) => Number(t.expiries) + 1 < policy.maxLeaseExpiries).map((t) => Number(t.idx));
    if (requeue.length > 0) {
      changes.tasksReady = true;
      changes.retries = (changes.retries ?? 0) + requeue.length;
      await ctx.tx.run(
        `UPDATE coord_tasks SET state = 'queued', expiries = expiries + 1, next_run_ms = ?, updated_ms = ?
         WHERE job_id = ? AND idx IN (${placeholders(requeue.length)})`,
        [nowMs, nowMs, jobId, ...requeue],
      );
    }
    const lost = tasks.find((t) => Number(t.expiries) + 1 >= policy.maxLeaseExpiries);
    if (lost && (await lockJob(ctx, jobId))) {
      const error = `task ${Number(lost.idx)} lost its lease ${policy.maxLeaseExpiries} times (last holder ${lost.lease_owner}): its workers stopped heartbeating, crashed or ran out of memory (maxLeaseExpiries)`;
      await ctx.tx.run(
        `UPDATE coord_tasks SET state = 'failed', expiries = expiries + 1, error = ?, error_stack = '', updated_ms = ? WHERE job_id = ? AND idx = ?`,
        [error, nowMs, jobId, Number(lost.idx)],
      );
      await endJob(ctx, jobId, 'failed', nowMs, { error, stack: '', taskIndex: Number(lost.idx) });
      (changes.ended ??= []).push({ jobId, state: 'failed' });
    }
  }
  return changes;
}

type LeasedRow = Pick<TaskRow, 'job_id' | 'idx' | 'job_seq' | 'final' | 'symbols' | 'attempt'>;

/** Leases up to maxTasks ready tasks, FIFO by job then index (requeueing expired leases first). */
export async function leaseTasksTx(ctx: TxContext, req: LeaseRequest): Promise<{ tasks: LeasedTask[]; changes: ChangeSet }> {
  const changes = await requeueExpiredTx(ctx, req.nowMs, req.policy);
  const refs = [...new Set(req.units.map((u) => unitRefKey(u.name, u.version)))];
  const leaseExpiresMs = req.nowMs + req.leaseMs;
  const rows = await pickAndLease(ctx, req, refs, leaseExpiresMs);
  if (rows.length === 0) return { tasks: [], changes };
  const jobIds = [...new Set(rows.map((r) => r.job_id))];
  const anyFinal = rows.some((r) => Number(r.final) === 1);
  const jobs = await ctx.tx.all<JobRow>(`SELECT ${jobColumns(anyFinal)} FROM coord_jobs WHERE job_id IN (${placeholders(jobIds.length)})`, jobIds);
  const starting = jobs.filter((j) => j.state === 'queued').map((j) => j.job_id);
  if (starting.length > 0) {
    await ctx.tx.run(`UPDATE coord_jobs SET state = 'running', updated_ms = ? WHERE state = 'queued' AND job_id IN (${placeholders(starting.length)})`, [
      req.nowMs,
      ...starting,
    ]);
  }
  const jobById = new Map(jobs.map((j) => [j.job_id, j]));
  const tasks: LeasedTask[] = [];
  for (const row of rows) {
    const job = jobById.get(row.job_id)!;
    const final = Number(row.final) === 1;
    const index = Number(row.idx);
    tasks.push({
      taskId: taskIdOf(row.job_id, index),
      jobId: row.job_id,
      index,
      attempt: Number(row.attempt),
      unit: { name: job.unit, version: job.unit_version },
      final,
      dataset: job.dataset,
      symbols: JSON.parse(final ? job.symbols : row.symbols) as string[],
      startMs: Number(job.start_ms),
      endMs: Number(job.end_ms),
      paramsJson: job.params_json,
      outputDataset: job.output_dataset,
      parts: final ? await partsOf(ctx.tx, row.job_id) : [],
      leaseExpiresMs,
      maxAttempts: Number(job.max_attempts),
      traceparent: job.traceparent,
      grant: '',
    });
  }
  return { tasks, changes: { ...changes, jobIds: [...new Set([...changes.jobIds, ...jobIds])] } };
}

const LEASED_COLUMNS = 'job_id, idx, job_seq, final, symbols, attempt';

/** Picks up to maxTasks ready tasks FIFO (job, then index), leases them, and answers their rows in that order. */
async function pickAndLease(ctx: TxContext, req: LeaseRequest, refs: readonly string[], leaseExpiresMs: number): Promise<LeasedRow[]> {
  const ready = `SELECT %s FROM coord_tasks WHERE state = 'queued' AND next_run_ms <= ? AND unit_ref IN (${placeholders(refs.length)})
     ORDER BY job_seq, idx LIMIT ?`;
  const lease = `UPDATE coord_tasks SET state = 'leased', attempt = attempt + 1, lease_owner = ?, lease_subject = ?, lease_expires_ms = ?, updated_ms = ?, started_ms = ?`;
  const leaseParams = [req.workerId, req.subject ?? '', leaseExpiresMs, req.nowMs, req.nowMs];
  if (ctx.dialect === 'postgres') {
    // One statement; rows other transactions hold are skipped. RETURNING gives no order: back to FIFO.
    const rows = await ctx.tx.all<LeasedRow>(
      `${lease} WHERE (job_id, idx) IN (${ready.replace('%s', 'job_id, idx')}${forUpdate(ctx, true)}) RETURNING ${LEASED_COLUMNS}`,
      [...leaseParams, req.nowMs, ...refs, req.maxTasks],
    );
    return rows.sort((a, b) => Number(a.job_seq) - Number(b.job_seq) || Number(a.idx) - Number(b.idx));
  }
  // SQLite: rowids from the covering ready index, then update and read by rowid (cheaper than UPDATE ... RETURNING, measured).
  const picked = await ctx.tx.all<{ rowid: number }>(ready.replace('%s', 'rowid'), [req.nowMs, ...refs, req.maxTasks]);
  if (picked.length === 0) return [];
  const rowids = picked.map((p) => p.rowid);
  const list = placeholders(rowids.length);
  await ctx.tx.run(`${lease} WHERE rowid IN (${list})`, [...leaseParams, ...rowids]);
  return ctx.tx.all<LeasedRow>(`SELECT ${LEASED_COLUMNS} FROM coord_tasks WHERE rowid IN (${list}) ORDER BY job_seq, idx`, rowids);
}

async function partsOf(ex: SqlExecutor, jobId: string): Promise<LeasedTask['parts']> {
  const rows = await ex.all<{ idx: number; result_json: string }>(
    `SELECT idx, result_json FROM coord_tasks WHERE job_id = ? AND final = 0 ORDER BY idx`,
    [jobId],
  );
  return rows.map((r) => ({ index: Number(r.idx), resultJson: r.result_json }));
}

/** Extends the leases this worker holds; reports the rest as lost (PERMISSION_DENIED for a lease of another identity). */
export async function heartbeatTx(
  ctx: TxContext,
  workerId: string,
  leases: readonly (LeaseRef & { jobId: string; index: number })[],
  leaseMs: number,
  nowMs: number,
  subject?: string,
): Promise<HeartbeatResult> {
  const result: HeartbeatResult = { extended: [], lost: [] };
  const groups = byJob(leases, (l) => l.jobId);
  const states = await jobStates(ctx.tx, [...groups.keys()]);
  for (const [jobId, list] of groups) {
    const rows = await lockTasks(ctx, jobId, list.map((l) => l.index));
    const held: number[] = [];
    for (const l of list) requireLeaseHolder(rows.get(l.index), subject, l.taskId, l.attempt, 'heartbeat');
    for (const l of list) {
      const status = leaseStatus(rows.get(l.index), states.get(jobId), workerId, l.attempt);
      if (status === 'held') {
        held.push(l.index);
        result.extended.push({ taskId: l.taskId, attempt: l.attempt, leaseExpiresMs: nowMs + leaseMs });
      } else {
        result.lost.push({ taskId: l.taskId, attempt: l.attempt, reason: status });
      }
    }
    if (held.length > 0) {
      await ctx.tx.run(`UPDATE coord_tasks SET lease_expires_ms = ?, updated_ms = ? WHERE job_id = ? AND idx IN (${placeholders(held.length)})`, [
        nowMs + leaseMs,
        nowMs,
        jobId,
        ...held,
      ]);
    }
  }
  return result;
}

/** The earliest time a queued task becomes due or a lease expires, for these units. */
export async function nextReadyMsOf(ex: SqlExecutor, units: readonly { name: string; version: string }[]): Promise<number | undefined> {
  const refs = [...new Set(units.map((u) => unitRefKey(u.name, u.version)))];
  if (refs.length === 0) return undefined;
  // Two lookups, each on its partial index (queued tasks by unit; leases by expiry).
  const [row] = await ex.all<{ at: number | null }>(
    `SELECT MIN(at) AS at FROM (
       SELECT MIN(next_run_ms) AS at FROM coord_tasks WHERE state = 'queued' AND unit_ref IN (${placeholders(refs.length)})
       UNION ALL
       SELECT MIN(lease_expires_ms) AS at FROM coord_tasks WHERE state = 'leased' AND unit_ref IN (${placeholders(refs.length)})
     ) AS due`,
    [...refs, ...refs],
  );
  return row?.at === null || row?.at === undefined ? undefined : Number(row.at);
}
