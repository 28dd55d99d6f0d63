import {
  FlorinError,
  failedPrecondition,
  invalidArgument,
  jobStateFromName,
  jobStateName,
  notFound,
  activeTraceparent,
  JOB_STATES,
  unaryHandler,
  type CancelJobRequestMessage,
  type JobServiceHandlers,
  type GetJobRequestMessage,
  type JobMessage,
  type ListJobsRequestMessage,
  type JobLogsRequestMessage,
  type JobLogsResponseMessage,
  type ListJobsResponseMessage,
  type ListTasksRequestMessage,
  type ListTasksResponseMessage,
  type SubmitJobRequestMessage,
  type UnaryCallContext,
} from '@florin/core';
import { newJobId, publishChanges, type CoordinatorContext } from './coordinator-context.js';
import { requireJob } from './job-lookup.js';
import { checkJobSpec, requireUnit, resolveJobSpec } from './job-spec.js';
import { unitRefKey, type JobRecord, type JobState } from './model.js';
import { jobMessage } from './job-messages.js';
import { jobCaller, listOwner, ownerFor, requireJobAccess, seesAllJobs, type JobCaller } from './job-owner.js';
import { watchHandler } from './job-watch.js';
import { pagePosition, pageToken } from './page-token.js';
import { taskInfoMessage, taskStateOf } from './task-messages.js';

const DEFAULT_LIST_LIMIT = 50;
const MAX_LIST_LIMIT = 1_000;
const DEFAULT_TASK_LIMIT = 100;
const VALID_STATES = JOB_STATES.map(jobStateName).join(', ');

async function submit(ctx: CoordinatorContext, request: SubmitJobRequestMessage, caller: JobCaller): Promise<{ job: JobMessage; created: boolean }> {
  const checked = checkJobSpec(request.spec, ctx.config);
  const unit = requireUnit(await ctx.store.findUnit(checked.input.unit, checked.input.unitVersion || undefined), checked.input);
  const { spec, specHash } = resolveJobSpec(checked, unit);
  const nowMs = Date.now();
  // The Submit's server span (continuing the SDK's client span): every task of the job continues this trace.
  const traceparent = activeTraceparent();
  const owner = ownerFor(caller);
  // Long polls of the unit wake at COMMIT, while the commit is flushed to disk: a task may be leased before its
  // submit is on disk (a power loss then undoes both), but the submitter is answered only once it is.
  // Wakes only as many long polls of the unit as the tasks need.
  const wake = (r: { job: JobRecord; created: boolean }): void => {
    if (r.created) publishChanges(ctx, { jobIds: [r.job.jobId], tasksReady: true, readyTasks: { unitRef: unitRefKey(r.job.spec.unit, r.job.spec.unitVersion), count: r.job.progress.tasksQueued } });
  };
  const { job, created } = await ctx.store.createJob({ jobId: newJobId(nowMs), spec, specHash, hasFinal: unit.hasFinal, nowMs, traceparent, owner }, wake);
  // An idempotency key is cluster-wide: another caller's key must not hand out (or confirm) that caller's job.
  if (!created) requireJobAccess(caller, job, 'resubmit (idempotency_key)');
  if (!created && job.specHash !== specHash) {
    throw new FlorinError(
      'ALREADY_EXISTS',
      `idempotency key ${JSON.stringify(spec.idempotencyKey)} already names job ${job.jobId}, submitted with a different spec; use a new key for a different job`,
    );
  }
  return { job: jobMessage(job), created };
}

async function list(ctx: CoordinatorContext, request: ListJobsRequestMessage, caller: JobCaller): Promise<ListJobsResponseMessage> {
  const states: JobState[] = [];
  for (const name of request.states) {
    const state = jobStateFromName(name);
    if (!state) throw invalidArgument(`states: ${String(name)} is not a job state; use ${VALID_STATES}`);
    states.push(state);
  }
  const limit = request.limit === 0 ? DEFAULT_LIST_LIMIT : request.limit;
  if (limit > MAX_LIST_LIMIT) throw invalidArgument(`limit ${limit} is above ${MAX_LIST_LIMIT}; page by state or unit instead`);
  const beforeSeq = pagePosition('jobs', request.pageToken);
  const updatedSinceMs = Number(request.updatedSinceMs);
  if (!Number.isSafeInteger(updatedSinceMs) || updatedSinceMs < 0) throw invalidArgument(`updated_since_ms must be an epoch millisecond time >= 0, got ${String(request.updatedSinceMs)}`);
  if (updatedSinceMs > 0 && beforeSeq !== undefined) throw invalidArgument('updated_since_ms answers are not paged by page_token: ask again with updated_since_ms = the last job\'s updated_ms');
  // One more than asked: whether a next page exists, without a second query.
  const owner = listOwner(caller, request.owner ?? '');
  const jobs = await ctx.store.listJobs({
    states,
    unit: request.unit || undefined,
    limit: limit + 1,
    omitSymbols: true,
    updatedSinceMs,
    ...(owner !== undefined ? { owner } : {}),
    ...(beforeSeq !== undefined ? { beforeSeq } : {}),
  });
  const page = jobs.slice(0, limit);
  const last = page[page.length - 1];
  const nextPageToken = jobs.length > limit && last?.seq !== undefined && updatedSinceMs === 0 ? pageToken('jobs', last.seq) : '';
  return { jobs: page.map(jobMessage), nextPageToken };
}

async function listTasks(ctx: CoordinatorContext, request: ListTasksRequestMessage, caller: JobCaller): Promise<ListTasksResponseMessage> {
  if (!request.jobId) throw invalidArgument('job_id is required');
  await requireOwnJob(ctx, request.jobId, caller, 'list the tasks of');
  const limit = request.limit === 0 ? DEFAULT_TASK_LIMIT : request.limit;
  if (limit > MAX_LIST_LIMIT) throw invalidArgument(`limit ${limit} is above ${MAX_LIST_LIMIT}; page with page_token instead`);
  const afterIndex = pagePosition('tasks', request.pageToken);
  const states = request.states.map(taskStateOf);
  const tasks = await ctx.store.listTasks(request.jobId, { limit: limit + 1, states, ...(afterIndex !== undefined ? { afterIndex } : {}) });
  if (!tasks) throw notFound(`unknown job ${JSON.stringify(request.jobId)}`);
  const page = tasks.slice(0, limit);
  const nextPageToken = tasks.length > limit ? pageToken('tasks', page[page.length - 1]!.index) : '';
  return { tasks: page.map(taskInfoMessage), nextPageToken };
}

async function cancel(ctx: CoordinatorContext, request: CancelJobRequestMessage, caller: JobCaller): Promise<JobMessage> {
  if (!request.jobId) throw invalidArgument('job_id is required');
  await requireOwnJob(ctx, request.jobId, caller, 'cancel');
  const { job, changes } = await ctx.store.cancelJob(request.jobId, Date.now());
  if (!job) throw notFound(`unknown job ${JSON.stringify(request.jobId)}`);
  publishChanges(ctx, changes);
  ctx.activity.endJob(job.jobId);
  if (job.state === 'succeeded' || job.state === 'failed') {
    throw failedPrecondition(`job ${job.jobId} already ${job.state}; only queued or running jobs can be cancelled`);
  }
  return jobMessage(job);
}

async function logs(ctx: CoordinatorContext, request: JobLogsRequestMessage, caller: JobCaller): Promise<JobLogsResponseMessage> {
  if (!request.jobId) throw invalidArgument('job_id is required');
  await requireOwnJob(ctx, request.jobId, caller, 'read the logs of');
  const tasks = await ctx.store.taskLogs(request.jobId);
  if (!tasks) throw notFound(`unknown job ${JSON.stringify(request.jobId)}`);
  return { tasks };
}

/** When the caller sees only its own jobs: NOT_FOUND for an unknown job, PERMISSION_DENIED for another owner's. */
async function requireOwnJob(ctx: CoordinatorContext, jobId: string, caller: JobCaller, action: string): Promise<void> {
  if (seesAllJobs(caller)) return;
  const job = await ctx.store.getJob(jobId, { omitSymbols: true });
  if (!job) throw notFound(`unknown job ${JSON.stringify(jobId)}`);
  requireJobAccess(caller, job, action);
}

async function get(ctx: CoordinatorContext, request: GetJobRequestMessage, caller: JobCaller): Promise<JobMessage> {
  const job = await requireJob(ctx, request.jobId);
  requireJobAccess(caller, job, 'see');
  return jobMessage(job);
}

const callerIn = (context: UnaryCallContext): JobCaller => jobCaller(context.call.metadata);

/** The florin.v1.JobService implementation. */
export function jobServiceHandlers(ctx: CoordinatorContext): JobServiceHandlers {
  const options = { defaultDeadlineMs: ctx.config.limits.defaultDeadlineMs, onUnexpected: ctx.config.onBackgroundError };
  return {
    Submit: unaryHandler((req: SubmitJobRequestMessage, context) => submit(ctx, req, callerIn(context)), options),
    Get: unaryHandler((req: GetJobRequestMessage, context) => get(ctx, req, callerIn(context)), options),
    List: unaryHandler((req: ListJobsRequestMessage, context) => list(ctx, req, callerIn(context)), options),
    Cancel: unaryHandler((req: CancelJobRequestMessage, context) => cancel(ctx, req, callerIn(context)), options),
    Watch: watchHandler(ctx),
    Logs: unaryHandler((req: JobLogsRequestMessage, context) => logs(ctx, req, callerIn(context)), options),
    ListTasks: unaryHandler((req: ListTasksRequestMessage, context) => listTasks(ctx, req, callerIn(context)), options),
  };
}
