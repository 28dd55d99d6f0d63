import type { JobState, TaskPolicy } from '../model.js';
import { forUpdate, jobColumns, type JobRow, type TxContext } from './job-rows.js';

/** Locks and reads a job's row without its universe (PostgreSQL: FOR UPDATE, so settling a job is serialized). */
export async function lockJob(ctx: TxContext, jobId: string): Promise<JobRow | undefined> {
  const rows = await ctx.tx.all<JobRow>(`SELECT ${jobColumns(false)} FROM coord_jobs WHERE job_id = ?${forUpdate(ctx)}`, [jobId]);
  return rows[0];
}

/**
 * Ends a job: the state becomes `state`; every queued or leased task is
 * cancelled (their QCUs learn it from Heartbeat and CompleteTasks).
 */
export async function endJob(
  ctx: TxContext,
  jobId: string,
  state: Extract<JobState, 'failed' | 'cancelled'>,
  nowMs: number,
  failure?: { error: string; stack: string; taskIndex: number; logJson?: string },
): Promise<void> {
  await ctx.tx.run(
    `UPDATE coord_tasks SET state = 'cancelled', updated_ms = ? WHERE job_id = ? AND state IN ('queued', 'leased')`,
    [nowMs, jobId],
  );
  await ctx.tx.run(
    `UPDATE coord_jobs SET state = ?, error = ?, error_stack = ?, failed_task_index = ?, failure_log_json = ?, updated_ms = ?, finished_ms = ?
     WHERE job_id = ?`,
    [state, failure?.error ?? '', failure?.stack ?? '', failure?.taskIndex ?? -1, failure?.logJson ?? '[]', nowMs, nowMs, jobId],
  );
}

interface SettleCounts {
  total: number;
  succeeded: number;
  finals: number;
  final_result: string | null;
  result_bytes: number;
}

/**
 * After tasks of a running job changed: when every regular task succeeded,
 * either creates the final task (unit with a final step) or marks the job
 * succeeded; when the final task succeeded, the job succeeds with its result.
 * Answers whether a new task became leasable.
 */
export async function settleJob(ctx: TxContext, job: JobRow, nowMs: number, policy: TaskPolicy): Promise<boolean> {
  if (job.state !== 'running' && job.state !== 'queued') return false;
  // Constant time on the open-task index: most completions leave tasks open, and then there is nothing to settle.
  const open = await ctx.tx.all(
    `SELECT 1 AS open FROM coord_tasks WHERE job_id = ? AND state <> 'succeeded' LIMIT 1`,
    [job.job_id],
  );
  if (open.length > 0) return false;
  const [counts] = await ctx.tx.all<SettleCounts>(
    `SELECT COUNT(*) AS total,
            SUM(CASE WHEN state = 'succeeded' THEN 1 ELSE 0 END) AS succeeded,
            SUM(final) AS finals,
            MAX(CASE WHEN final = 1 THEN result_json END) AS final_result,
            SUM(CASE WHEN final = 0 THEN LENGTH(result_json) ELSE 0 END) AS result_bytes
     FROM coord_tasks WHERE job_id = ?`,
    [job.job_id],
  );
  if (!counts || Number(counts.succeeded) !== Number(counts.total)) return false;
  if (Number(job.has_final) === 1 && Number(counts.finals) === 0) {
    const bytes = Number(counts.result_bytes);
    if (bytes > policy.maxFinalInputBytes) {
      await endJob(ctx, job.job_id, 'failed', nowMs, {
        error: `the results of ${counts.total} tasks total ${bytes} bytes; the final step can receive at most ${policy.maxFinalInputBytes} (maxFinalInputBytes): return smaller results and publish data to the output dataset`,
        stack: '',
        taskIndex: -1,
      });
      job.state = 'failed';
      return false;
    }
    await ctx.tx.run(
      `INSERT INTO coord_tasks (job_id, idx, job_seq, unit_ref, final, symbols, state, next_run_ms, updated_ms)
       VALUES (?, ?, ?, ?, 1, '[]', 'queued', ?, ?)`,
      [job.job_id, Number(counts.total), Number(job.seq), `${job.unit}@${job.unit_version}`, nowMs, nowMs],
    );
    await ctx.tx.run(`UPDATE coord_jobs SET updated_ms = ? WHERE job_id = ?`, [nowMs, job.job_id]);
    return true;
  }
  await ctx.tx.run(`UPDATE coord_jobs SET state = 'succeeded', result_json = ?, updated_ms = ?, finished_ms = ? WHERE job_id = ?`, [
    counts.final_result ?? '',
    nowMs,
    nowMs,
    job.job_id,
  ]);
  job.state = 'succeeded';
  return false;
}
