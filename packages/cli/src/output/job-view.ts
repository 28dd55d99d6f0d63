import Table from 'cli-table3';
import type { Job, TaskLog } from '@florin/client';
import { formatMs } from '@florin/core';
import { COMPACT } from './frame-table.js';

function duration(job: Job): string {
  const end = job.finishedMs ?? Date.now();
  return `${((end - job.createdMs) / 1000).toFixed(1)} s`;
}

/** One line per job, for `florin jobs list`. */
export function jobsTable(jobs: readonly Job[]): string {
  const table = new Table({ head: ['job', 'owner', 'unit', 'state', 'tasks done/total', 'failed', 'retries', 'symbols', 'created', 'took'], style: { head: [], border: [] }, chars: COMPACT });
  for (const j of jobs) {
    table.push([j.jobId, j.owner || '-', `${j.unit}@${j.unitVersion}`, j.state, `${j.progress.tasksSucceeded}/${j.progress.tasksTotal}`, j.progress.tasksFailed, j.progress.retries, j.symbolCount, formatMs(j.createdMs), duration(j)].map(String));
  }
  return table.toString();
}

/** A job's summary: what ran, how it went, and the scalar parts of its result. */
export function jobSummary(job: Job): string {
  const table = new Table({ style: { head: [], border: [] } });
  const rows: [string, string][] = [
    ['job', job.jobId],
    ['unit', `${job.unit}@${job.unitVersion}`],
    ['owner', job.owner || '- (no identity checks)'],
    ['state', job.state],
    ['universe', `${job.symbolCount} symbols of ${job.dataset}, ${formatMs(job.startMs).slice(0, 10)} to ${formatMs(job.endMs).slice(0, 10)}`],
    ['params', JSON.stringify(job.params)],
    ['tasks', `${job.progress.tasksSucceeded} succeeded, ${job.progress.tasksFailed} failed, ${job.progress.tasksCancelled} cancelled of ${job.progress.tasksTotal}; ${job.progress.retries} retries`],
    ['results', `dataset ${job.outputDataset}`],
    ['took', duration(job)],
  ];
  if (job.error) rows.push(['error', job.error]);
  if (job.failureLog && job.failureLog.length > 0) rows.push(['failed task log', job.failureLog.slice(-10).map((l) => l.message).join('\n')]);
  for (const [key, value] of scalarEntries(job.result)) rows.push([`result.${key}`, value]);
  for (const r of rows) table.push(r);
  return table.toString();
}

/** `florin jobs logs`: each task's kept lines, under a header naming the task, its attempt and state. */
export function taskLogsText(logs: readonly TaskLog[]): string {
  if (logs.length === 0) return 'no log lines kept (the units logged nothing with ctx.log, or no task has reported yet)';
  const out: string[] = [];
  for (const t of logs) {
    out.push(`--- task ${t.final ? 'final' : t.index} (attempt ${t.attempt}, ${t.state})`);
    for (const l of t.lines) out.push(`${formatMs(l.timeMs)}  ${l.message}`);
  }
  return out.join('\n');
}

/** The scalar (number, string, boolean) top-level entries of a JSON result; arrays are summarised by length. */
function scalarEntries(result: unknown): [string, string][] {
  if (typeof result !== 'object' || result === null) return result === undefined || result === null ? [] : [['value', JSON.stringify(result)]];
  return Object.entries(result as Record<string, unknown>).map(([k, v]) => {
    if (typeof v === 'number') return [k, Number.isInteger(v) ? String(v) : v.toFixed(6)];
    if (Array.isArray(v)) return [k, `[${v.length} values]`];
    if (typeof v === 'object' && v !== null) return [k, `{${Object.keys(v).join(', ')}}`];
    return [k, String(v)];
  });
}
