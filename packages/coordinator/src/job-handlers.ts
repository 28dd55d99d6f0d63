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
} from '@florin/core';
import { newJobId, publishChanges, type CoordinatorContext } from './coordinator-context.js';
import { requireJob } from './job-lookup.js';
import { checkJobSpec, requireUnit, resolveJobSpec } from './job-spec.js';
import type { JobState } from './model.js';
import { jobMessage } from './job-messages.js';
import { watchHandler } from './job-watch.js';
import { pagePosition, pageToken } from './page-token.js';
import { taskInfoMessage, taskStateOf } from './task-messages.js';

const DEFAULT_LIST_LIMIT = 50;
const MAX_LIST_LIMIT = 1_000;
const DEFAULT_TASK_LIMIT = 100;
const VALID_STATES = JOB_STATES.map(jobStateName).join(', ');

async function submit(ctx: CoordinatorContext, request: SubmitJobRequestMessage): Promise<{ job: JobMessage; created: boolean }> {
  const checked = checkJobSpec(request.spec, ctx.config);
  const unit = requireUnit(await ctx.store.findUnit(checked.input.unit, checked.input.unitVersion || undefined), checked.input);
  const { spec, specHash } = resolveJobSpec(checked, unit);
  const nowMs = Date.now();
  // The Submit's server span (continuing the SDK's client span): every task of the job continues this trace.
  const traceparent = activeTraceparent();
  const { job, created } = await ctx.store.createJob({ jobId: newJobId(nowMs), spec, specHash, hasFinal: unit.hasFinal, nowMs, traceparent });
  if (!created && job.specHash !== specHash) {
    throw new FlorinError(
      'ALREADY_EXISTS',
      `idempotency key ${JSON.stringify(spec.idempotencyKey)} already names job ${job.jobId}, submitted with a different spec; use a new key for a different job`,
    );
  }
  if (created) publishChanges(ctx, { jobIds: [job.jobId], tasksReady: true });
  return { job: jobMessage(job), created };
}

async function list(ctx: CoordinatorContext, request: ListJobsRequestMessage): Promise<ListJobsResponseMessage> {
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
  const jobs = await ctx.store.listJobs({ states, unit: request.unit || undefined, limit: limit + 1, omitSymbols: true, updatedSinceMs, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
  const page = jobs.slice(0, limit);
  const last = page[page.length - 1];
  const nextPageToken = jobs.length > limit && last?.seq !== undefined && updatedSinceMs === 0 ? pageToken('jobs', last.seq) : '';
  return { jobs: page.map(jobMessage), nextPageToken };
}

async function listTasks(ctx: CoordinatorContext, request: ListTasksRequestMessage): Promise<ListTasksResponseMessage> {
  if (!request.jobId) throw invalidArgument('job_id is required');
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

async function cancel(ctx: CoordinatorContext, request: CancelJobRequestMessage): Promise<JobMessage> {
  if (!request.jobId) throw invalidArgument('job_id is required');
  const { job, changes } = await ctx.store.cancelJob(request.jobId, Date.now());
  if (!job) throw notFound(`unknown job ${JSON.stringify(request.jobId)}`);
  publishChanges(ctx, changes);
  ctx.activity.endJob(job.jobId);
  if (job.state === 'succeeded' || job.state === 'failed') {
    throw failedPrecondition(`job ${job.jobId} already ${job.state}; only queued or running jobs can be cancelled`);
  }
  return jobMessage(job);
}

async function logs(ctx: CoordinatorContext, request: JobLogsRequestMessage): Promise<JobLogsResponseMessage> {
  if (!request.jobId) throw invalidArgument('job_id is required');
  const tasks = await ctx.store.taskLogs(request.jobId);
  if (!tasks) throw notFound(`unknown job ${JSON.stringify(request.jobId)}`);
  return { tasks };
}

/** The florin.v1.JobService implementation. */
export function jobServiceHandlers(ctx: CoordinatorContext): JobServiceHandlers {
  const options = { defaultDeadlineMs: ctx.config.limits.defaultDeadlineMs, onUnexpected: ctx.config.onBackgroundError };
  return {
    Submit: unaryHandler((req: SubmitJobRequestMessage) => submit(ctx, req), options),
    Get: unaryHandler(async (req: GetJobRequestMessage) => jobMessage(await requireJob(ctx, req.jobId)), options),
    List: unaryHandler((req: ListJobsRequestMessage) => list(ctx, req), options),
    Cancel: unaryHandler((req: CancelJobRequestMessage) => cancel(ctx, req), options),
    Watch: watchHandler(ctx),
    Logs: unaryHandler((req: JobLogsRequestMessage) => logs(ctx, req), options),
    ListTasks: unaryHandler((req: ListTasksRequestMessage) => listTasks(ctx, req), options),
  };
}
