import type { Metadata } from '@grpc/grpc-js';
import { callerOf, permissionDenied, type CallerIdentity } from '@florin/core';
import type { JobRecord } from './model.js';

/**
 * Job ownership: Submit records the caller's identity as the job's owner; a
 * caller other than admin may watch, list and cancel only the jobs it owns.
 * A server that checks no identity (plaintext) has no caller and no owners:
 * everyone sees everything.
 */
export type JobCaller = CallerIdentity | undefined;

/** The verified caller of a call (undefined when the server checks no identity). */
export function jobCaller(metadata: Metadata): JobCaller {
  return callerOf(metadata);
}

/** The owner recorded for a job this caller submits ('' without identity). */
export function ownerFor(caller: JobCaller): string {
  return caller?.subject ?? '';
}

/** True when the caller sees every job (no identity checks, or admin). */
export function seesAllJobs(caller: JobCaller): boolean {
  return caller === undefined || caller.role === 'admin';
}

/** The owner a List is limited to: the caller's own jobs unless it sees all; `asked` is the request's owner filter. */
export function listOwner(caller: JobCaller, asked: string): string | undefined {
  if (seesAllJobs(caller)) return asked === '' ? undefined : asked;
  if (asked !== '' && asked !== caller!.subject) {
    throw permissionDenied(`owner ${JSON.stringify(asked)}: ${denialTail(caller!, 'list')}`);
  }
  return caller!.subject;
}

/** Throws PERMISSION_DENIED naming the owner rule when the caller may not `action` this job. */
export function requireJobAccess(caller: JobCaller, job: Pick<JobRecord, 'jobId' | 'owner'>, action: string): void {
  if (seesAllJobs(caller) || job.owner === caller!.subject) return;
  throw permissionDenied(`job ${job.jobId} belongs to ${JSON.stringify(job.owner)}: ${denialTail(caller!, action)}`);
}

function denialTail(caller: CallerIdentity, action: string): string {
  return `a ${caller.role} may ${action} only their own jobs (${JSON.stringify(caller.subject)} has the role ${caller.role}); the admin role may ${action} any job`;
}
