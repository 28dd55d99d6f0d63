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
  type SubmitJobRequestMessage,
} from '@florin/core';
import { newJobId, publishChanges, type CoordinatorContext } from './coordinator-context.js';
import { requireJob } from './job-lookup.js';
import { checkJobSpec, requireUnit, resolveJobSpec } from './job-spec.js';
import type { JobState } from './model.js';
import { jobMessage } from './job-messages.js';
import { watchHandler } from './job-watch.js';

const DEFAULT_LIST_LIMIT = 50;
const MAX_LIST_LIMIT = 1_000;
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

async function list(ctx: CoordinatorContext, request: ListJobsRequestMessage): Promise<{ jobs: JobMessage[] }> {
  const states: JobState[] = [];
  for (const name of request.states) {
    const state = jobStateFromName(name);
    if (!state) throw invalidArgument(`states: ${String(name)} is not a job state; use ${VALID_STATES}`);
    states.push(state);
  }
  const limit = request.limit === 0 ? DEFAULT_LIST_LIMIT : request.limit;
  if (limit > MAX_LIST_LIMIT) throw invalidArgument(`limit ${limit} is above ${MAX_LIST_LIMIT}; page by state or unit instead`);
  const jobs = await ctx.store.listJobs({ states, unit: request.unit || undefined, limit, omitSymbols: true });
  return { jobs: jobs.map(jobMessage) };
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
  };
}
