import type { TaskRecord } from '../model.js';
import type { ListTasksFilter } from './job-store.js';
import type { TaskRow } from './job-rows.js';
import { placeholders, type SqlExecutor, type SqlValue } from './sql-driver.js';

type ListedTaskRow = Pick<TaskRow, 'idx' | 'state' | 'attempt' | 'failures' | 'expiries' | 'lease_owner' | 'started_ms' | 'updated_ms' | 'final' | 'symbols' | 'error' | 'error_stack'>;

/** A page of a job's tasks in index order, by the primary key (job_id, idx); undefined for an unknown job. */
export async function selectTasks(ex: SqlExecutor, jobId: string, filter: ListTasksFilter): Promise<TaskRecord[] | undefined> {
  const job = await ex.all<{ n: number }>('SELECT 1 AS n FROM coord_jobs WHERE job_id = ?', [jobId]);
  if (job.length === 0) return undefined;
  const where = ['job_id = ?'];
  const params: SqlValue[] = [jobId];
  if (filter.afterIndex !== undefined) {
    where.push('idx > ?');
    params.push(filter.afterIndex);
  }
  if (filter.states && filter.states.length > 0) {
    where.push(`state IN (${placeholders(filter.states.length)})`);
    params.push(...filter.states);
  }
  params.push(filter.limit);
  const rows = await ex.all<ListedTaskRow>(
    `SELECT idx, state, attempt, failures, expiries, lease_owner, started_ms, updated_ms, final, symbols, error, error_stack
     FROM coord_tasks WHERE ${where.join(' AND ')} ORDER BY idx LIMIT ?`,
    params,
  );
  return rows.map(taskFromRow);
}

function taskFromRow(row: ListedTaskRow): TaskRecord {
  const symbols = JSON.parse(row.symbols) as string[];
  return {
    index: Number(row.idx),
    state: row.state,
    attempts: Number(row.attempt),
    failures: Number(row.failures),
    expiries: Number(row.expiries),
    workerId: row.lease_owner,
    startedMs: Number(row.started_ms),
    updatedMs: Number(row.updated_ms),
    final: Number(row.final) === 1,
    symbolCount: symbols.length,
    firstSymbol: symbols[0] ?? '',
    error: row.error,
    errorStack: row.error_stack,
  };
}
