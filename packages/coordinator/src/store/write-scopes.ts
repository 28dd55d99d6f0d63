import { parseTaskId } from '../model.js';
import type { TaskWriteScope } from './job-store.js';
import { byJob } from './lease-ops.js';
import { placeholders, type SqlExecutor } from './sql-driver.js';

/**
 * What each task may write: its job's output dataset and the task's symbols
 * (a final task's are the job's universe). Read when the coordinator renews a
 * write grant for a lease it has not seen since it started.
 */
export async function writeScopesOf(ex: SqlExecutor, taskIds: readonly string[]): Promise<Map<string, TaskWriteScope>> {
  const out = new Map<string, TaskWriteScope>();
  const located = taskIds.flatMap((taskId) => {
    const id = parseTaskId(taskId);
    return id ? [{ taskId, ...id }] : [];
  });
  for (const [jobId, list] of byJob(located, (l) => l.jobId)) {
    const rows = await ex.all<{ idx: number; output_dataset: string; symbols: string }>(
      `SELECT t.idx AS idx, j.output_dataset AS output_dataset, CASE WHEN t.final = 1 THEN j.symbols ELSE t.symbols END AS symbols
       FROM coord_tasks t JOIN coord_jobs j ON j.job_id = t.job_id
       WHERE t.job_id = ? AND t.idx IN (${placeholders(list.length)})`,
      [jobId, ...list.map((l) => l.index)],
    );
    const byIndex = new Map(rows.map((r) => [Number(r.idx), r]));
    for (const l of list) {
      const row = byIndex.get(l.index);
      if (row) out.set(l.taskId, { jobId, dataset: row.output_dataset, symbols: JSON.parse(row.symbols) as string[] });
    }
  }
  return out;
}
