import type { TaskLogRecord, TaskState } from '../model.js';
import { parseLog } from './job-rows.js';
import type { QueueStats } from './job-store.js';
import type { SqlExecutor } from './sql-driver.js';

/** Each task's kept log lines (tasks that kept none are left out), by index; undefined for an unknown job. */
export async function taskLogsOf(ex: SqlExecutor, jobId: string): Promise<TaskLogRecord[] | undefined> {
  const job = await ex.all(`SELECT 1 AS found FROM coord_jobs WHERE job_id = ?`, [jobId]);
  if (job.length === 0) return undefined;
  const rows = await ex.all<{ idx: number; final: number; attempt: number; state: TaskState; log_json: string }>(
    `SELECT idx, final, attempt, state, log_json FROM coord_tasks WHERE job_id = ? AND log_json <> '[]' ORDER BY idx`,
    [jobId],
  );
  return rows.map((r) => ({ index: Number(r.idx), final: Number(r.final) === 1, attempt: Number(r.attempt), state: r.state, lines: parseLog(r.log_json) }));
}

/** Queue depth and leases (each counted on its partial index) and jobs per state (on coord_jobs_state). */
export async function queueStatsOf(ex: SqlExecutor): Promise<QueueStats> {
  const [queued] = await ex.all<{ n: number }>(`SELECT COUNT(*) AS n FROM coord_tasks WHERE state = 'queued'`);
  const [leased] = await ex.all<{ n: number }>(`SELECT COUNT(*) AS n FROM coord_tasks WHERE state = 'leased'`);
  const jobs: Record<string, number> = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const row of await ex.all<{ state: string; n: number }>(`SELECT state, COUNT(*) AS n FROM coord_jobs GROUP BY state`)) jobs[row.state] = Number(row.n);
  return { tasksQueued: Number(queued?.n ?? 0), tasksLeased: Number(leased?.n ?? 0), jobs };
}
