import { invalidArgument, notFound } from '@florin/core';
import type { CoordinatorContext } from './coordinator-context.js';
import type { JobRecord } from './model.js';

/** A job by id, or INVALID_ARGUMENT (no id) / NOT_FOUND. */
export async function requireJob(ctx: CoordinatorContext, jobId: string): Promise<JobRecord> {
  if (!jobId) throw invalidArgument('job_id is required');
  const job = await ctx.store.getJob(jobId);
  if (!job) throw notFound(`unknown job ${JSON.stringify(jobId)}`);
  return job;
}
