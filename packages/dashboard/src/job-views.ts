import type { Job, Task } from '@florin/client';
import type { CallerIdentity } from '@florin/core';
import type { JobView, TaskView } from './views.js';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * A job as the page shows it: progress, rate and ETA derived from its task
 * counts and times; `viewer` (undefined without logins) decides whether it is
 * offered for cancel, by the API's rule: own jobs, or any for admin.
 */
export function jobView(job: Job, nowMs: number, viewer?: CallerIdentity): JobView {
  const p = job.progress;
  const done = p.tasksSucceeded + p.tasksFailed + p.tasksCancelled;
  const terminal = TERMINAL.has(job.state);
  const endMs = job.finishedMs ?? nowMs;
  const elapsedMs = Math.max(1, endMs - job.createdMs);
  const tasksPerSec = p.tasksSucceeded > 0 ? (p.tasksSucceeded * 1000) / elapsedMs : null;
  const remaining = p.tasksTotal - done;
  return {
    jobId: job.jobId,
    unit: job.unit,
    unitVersion: job.unitVersion,
    dataset: job.dataset,
    outputDataset: job.outputDataset,
    state: job.state,
    owner: job.owner || null,
    mayCancel: !terminal && (viewer === undefined || viewer.role === 'admin' || viewer.subject === job.owner),
    symbolCount: job.symbolCount,
    tasksTotal: p.tasksTotal,
    tasksDone: done,
    tasksRunning: p.tasksRunning,
    tasksFailed: p.tasksFailed,
    retries: p.retries,
    progress: p.tasksTotal > 0 ? p.tasksSucceeded / p.tasksTotal : 0,
    tasksPerSec,
    etaMs: !terminal && tasksPerSec ? Math.round((remaining * 1000) / tasksPerSec) : null,
    hasFinal: job.hasFinal,
    hasResult: job.resultJson !== '',
    createdMs: job.createdMs,
    updatedMs: job.updatedMs,
    finishedMs: job.finishedMs ?? null,
    error: job.error ?? null,
    errorStack: job.errorStack ?? null,
    failedTaskIndex: job.failedTaskIndex ?? null,
    failureLog: job.failureLog ?? null,
    params: job.params,
    startMs: job.startMs,
    endMs: job.endMs,
  };
}

export function taskView(task: Task, nowMs: number): TaskView {
  const started = task.startedMs > 0 ? task.startedMs : null;
  const end = task.state === 'leased' ? nowMs : task.updatedMs;
  return {
    index: task.index,
    state: task.state,
    attempts: task.attempts,
    failures: task.failures,
    expiries: task.expiries,
    worker: task.workerId,
    startedMs: started,
    durationMs: started !== null && task.state !== 'queued' ? Math.max(0, end - started) : null,
    final: task.final,
    symbols: task.final ? `final (${task.symbolCount} symbols)` : task.symbolCount > 1 ? `${task.firstSymbol} +${task.symbolCount - 1}` : task.firstSymbol,
    error: task.error || null,
    errorStack: task.errorStack || null,
  };
}
