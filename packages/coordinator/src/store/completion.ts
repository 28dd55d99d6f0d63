import { backoffMs, parseTaskId, type OutcomeAck, type TaskOutcome, type TaskPolicy } from '../model.js';
import type { ChangeSet } from './job-store.js';
import type { JobRow, TaskRow, TxContext } from './job-rows.js';
import { endJob, lockJob, settleJob } from './job-settle.js';
import { byJob, leaseStatus, lockTasks } from './lease-ops.js';

interface Located {
  outcome: TaskOutcome;
  position: number;
  jobId: string;
  index: number;
}

/**
 * Applies a batch of outcomes. Per job (locked, in id order so concurrent
 * batches cannot deadlock): outcomes for the current attempt held by this
 * worker are recorded; anything else is refused and changes nothing. Then the
 * job is settled (final task, success) if it is still running.
 */
export async function completeTasksTx(
  ctx: TxContext,
  workerId: string,
  outcomes: readonly TaskOutcome[],
  nowMs: number,
  policy: TaskPolicy,
): Promise<{ acks: OutcomeAck[]; changes: ChangeSet }> {
  const acks: OutcomeAck[] = outcomes.map((o) => ({ taskId: o.taskId, attempt: o.attempt, accepted: false, reason: 'unknown_task' }));
  const located: Located[] = [];
  outcomes.forEach((outcome, position) => {
    const id = parseTaskId(outcome.taskId);
    if (id) located.push({ outcome, position, ...id });
  });
  const changes: ChangeSet = { jobIds: [], tasksReady: false };
  const groups = byJob(located, (l) => l.jobId);
  for (const jobId of [...groups.keys()].sort()) {
    const job = await lockJob(ctx, jobId);
    if (!job) continue;
    const list = groups.get(jobId)!;
    const rows = await lockTasks(
      ctx,
      jobId,
      list.map((l) => l.index),
    );
    let changed = false;
    for (const l of list) {
      const row = rows.get(l.index);
      const status = leaseStatus(row, job.state, workerId, l.outcome.attempt);
      if (status !== 'held') {
        // A repeat of the outcome already recorded for this very attempt is acknowledged again.
        const repeat = status === 'already_completed' && (row!.state === 'succeeded') === l.outcome.ok;
        acks[l.position] = { taskId: l.outcome.taskId, attempt: l.outcome.attempt, accepted: repeat, reason: status };
        continue;
      }
      const effect = await applyOutcome(ctx, job, row!, l.outcome, nowMs, policy);
      changed = true;
      if (effect === 'retry') changes.tasksReady = true;
      if (effect === 'job_failed') job.state = 'failed';
      acks[l.position] = { taskId: l.outcome.taskId, attempt: l.outcome.attempt, accepted: true };
      // Later outcomes in this batch see the tasks the failure cancelled.
      if (effect === 'job_failed') for (const r of rows.values()) if (r.state === 'queued' || r.state === 'leased') r.state = 'cancelled';
      row!.state = effect === 'succeeded' ? 'succeeded' : effect === 'retry' ? 'queued' : 'failed';
    }
    if (!changed) continue;
    changes.jobIds.push(jobId);
    if (await settleJob(ctx, job, nowMs, policy)) changes.tasksReady = true;
  }
  return { acks, changes };
}

type Effect = 'succeeded' | 'retry' | 'job_failed';

async function applyOutcome(ctx: TxContext, job: JobRow, row: TaskRow, outcome: TaskOutcome, nowMs: number, policy: TaskPolicy): Promise<Effect> {
  const jobId = job.job_id;
  const index = Number(row.idx);
  let { ok, error, stack, retryable } = outcome;
  const resultBytes = Buffer.byteLength(outcome.resultJson, 'utf8');
  if (ok && resultBytes > policy.maxResultBytes) {
    ok = false;
    error = `task ${index} returned a ${resultBytes}-byte result; the limit is ${policy.maxResultBytes} bytes (maxResultBytes): return a summary and publish data to the output dataset`;
    stack = '';
    retryable = false;
  }
  if (ok) {
    await ctx.tx.run(
      `UPDATE coord_tasks SET state = 'succeeded', result_json = ?, error = '', error_stack = '', updated_ms = ? WHERE job_id = ? AND idx = ?`,
      [outcome.resultJson, nowMs, jobId, index],
    );
    return 'succeeded';
  }
  const failures = Number(row.failures) + 1;
  if (retryable && failures < Number(job.max_attempts)) {
    await ctx.tx.run(
      `UPDATE coord_tasks SET state = 'queued', failures = ?, error = ?, error_stack = ?, next_run_ms = ?, updated_ms = ?
       WHERE job_id = ? AND idx = ?`,
      [failures, error, stack, nowMs + backoffMs(policy, failures), nowMs, jobId, index],
    );
    return 'retry';
  }
  await ctx.tx.run(
    `UPDATE coord_tasks SET state = 'failed', failures = ?, error = ?, error_stack = ?, updated_ms = ? WHERE job_id = ? AND idx = ?`,
    [failures, error, stack, nowMs, jobId, index],
  );
  await endJob(ctx, jobId, 'failed', nowMs, { error, stack, taskIndex: index });
  return 'job_failed';
}
