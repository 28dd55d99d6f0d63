import { backoffMs, parseTaskId, type OutcomeAck, type TaskOutcome, type TaskPolicy } from '../model.js';
import type { ChangeSet } from './job-store.js';
import type { JobRow, TxContext } from './job-rows.js';
import { endJob, lockJob, settleJob } from './job-settle.js';
import { byJob, leaseStatus, lockTasks, requireLeaseHolder, type TaskLeaseRow } from './lease-ops.js';
import type { SqlValue } from './sql-driver.js';

/** Most successes written by one UPDATE (bounds the statement's parameters and the prepared-statement variants). */
const SUCCESS_CHUNK = 256;

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
 * job is settled (final task, success) if it is still running. An outcome for
 * an attempt another identity leased (`subject` given) refuses the whole batch.
 */
export async function completeTasksTx(
  ctx: TxContext,
  workerId: string,
  outcomes: readonly TaskOutcome[],
  nowMs: number,
  policy: TaskPolicy,
  subject?: string,
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
    const stateBefore = job.state;
    const list = groups.get(jobId)!;
    const rows = await lockTasks(
      ctx,
      jobId,
      list.map((l) => l.index),
    );
    for (const l of list) requireLeaseHolder(rows.get(l.index), subject, l.outcome.taskId, l.outcome.attempt, 'complete');
    let changed = false;
    /** Successes of this job not yet written: one UPDATE writes them all, before any failure is applied. */
    const succeeded: { index: number; resultJson: string; logJson: string }[] = [];
    for (const l of list) {
      const row = rows.get(l.index);
      const status = leaseStatus(row, job.state, workerId, l.outcome.attempt);
      if (status !== 'held') {
        // A repeat of the outcome already recorded for this very attempt is acknowledged again.
        const repeat = status === 'already_completed' && (row!.state === 'succeeded') === l.outcome.ok;
        acks[l.position] = { taskId: l.outcome.taskId, attempt: l.outcome.attempt, accepted: repeat, reason: status };
        continue;
      }
      const outcome = checkResultSize(l.outcome, row!, policy);
      let effect: Effect;
      if (outcome.ok) {
        succeeded.push({ index: Number(row!.idx), resultJson: outcome.resultJson, logJson: logJson(outcome) });
        effect = 'succeeded';
      } else {
        await writeSuccesses(ctx, jobId, succeeded.splice(0), nowMs);
        effect = await applyFailure(ctx, job, row!, outcome, nowMs, policy);
      }
      changed = true;
      if (effect === 'retry') {
        changes.tasksReady = true;
        changes.retries = (changes.retries ?? 0) + 1;
      }
      if (effect === 'job_failed') job.state = 'failed';
      acks[l.position] = { taskId: l.outcome.taskId, attempt: l.outcome.attempt, accepted: true };
      // Later outcomes in this batch see the tasks the failure cancelled.
      if (effect === 'job_failed') for (const r of rows.values()) if (r.state === 'queued' || r.state === 'leased') r.state = 'cancelled';
      row!.state = effect === 'succeeded' ? 'succeeded' : effect === 'retry' ? 'queued' : 'failed';
    }
    await writeSuccesses(ctx, jobId, succeeded, nowMs);
    if (!changed) continue;
    changes.jobIds.push(jobId);
    if (await settleJob(ctx, job, nowMs, policy)) changes.tasksReady = true;
    if (job.state !== stateBefore && (job.state === 'succeeded' || job.state === 'failed')) (changes.ended ??= []).push({ jobId, state: job.state });
  }
  return { acks, changes };
}

type Effect = 'succeeded' | 'retry' | 'job_failed';

/** A success whose result is over maxResultBytes becomes a permanent failure that says so. */
function checkResultSize(outcome: TaskOutcome, row: TaskLeaseRow, policy: TaskPolicy): TaskOutcome {
  if (!outcome.ok) return outcome;
  const resultBytes = Buffer.byteLength(outcome.resultJson, 'utf8');
  if (resultBytes <= policy.maxResultBytes) return outcome;
  return {
    ...outcome,
    ok: false,
    error: `task ${Number(row.idx)} returned a ${resultBytes}-byte result; the limit is ${policy.maxResultBytes} bytes (maxResultBytes): return a summary and publish data to the output dataset`,
    stack: '',
    retryable: false,
  };
}

/** Marks tasks of one job succeeded with their results: one UPDATE ... FROM (VALUES ...) per chunk. */
async function writeSuccesses(ctx: TxContext, jobId: string, succeeded: readonly { index: number; resultJson: string; logJson: string }[], nowMs: number): Promise<void> {
  for (let at = 0; at < succeeded.length; at += SUCCESS_CHUNK) {
    const chunk = succeeded.slice(at, at + SUCCESS_CHUNK);
    const params: SqlValue[] = [nowMs];
    for (const s of chunk) params.push(s.index, s.resultJson, s.logJson);
    params.push(jobId);
    await ctx.tx.run(
      `UPDATE coord_tasks SET state = 'succeeded', result_json = v.column2, log_json = v.column3, error = '', error_stack = '', updated_ms = ?
       FROM (VALUES ${chunk.map(() => '(CAST(? AS INTEGER), ?, ?)').join(', ')}) AS v
       WHERE coord_tasks.job_id = ? AND coord_tasks.idx = v.column1`,
      params,
    );
  }
}

/** Records a failure: a retry with backoff while attempts are left and the error is retryable, else the job fails. */
async function applyFailure(ctx: TxContext, job: JobRow, row: TaskLeaseRow, outcome: TaskOutcome, nowMs: number, policy: TaskPolicy): Promise<Effect> {
  const jobId = job.job_id;
  const index = Number(row.idx);
  const { error, stack, retryable } = outcome;
  const failures = Number(row.failures) + 1;
  const log = logJson(outcome);
  if (retryable && failures < Number(job.max_attempts)) {
    await ctx.tx.run(
      `UPDATE coord_tasks SET state = 'queued', failures = ?, error = ?, error_stack = ?, log_json = ?, next_run_ms = ?, updated_ms = ?
       WHERE job_id = ? AND idx = ?`,
      [failures, error, stack, log, nowMs + backoffMs(policy, failures), nowMs, jobId, index],
    );
    return 'retry';
  }
  await ctx.tx.run(
    `UPDATE coord_tasks SET state = 'failed', failures = ?, error = ?, error_stack = ?, log_json = ?, updated_ms = ? WHERE job_id = ? AND idx = ?`,
    [failures, error, stack, log, nowMs, jobId, index],
  );
  await endJob(ctx, jobId, 'failed', nowMs, { error, stack, taskIndex: index, logJson: log });
  return 'job_failed';
}

/** The outcome's log lines as stored in coord_tasks.log_json (already bounded by validateOutcomes). */
function logJson(outcome: TaskOutcome): string {
  return outcome.log.length === 0 ? '[]' : JSON.stringify(outcome.log.map((l) => ({ timeMs: l.timeMs, message: l.message })));
}
