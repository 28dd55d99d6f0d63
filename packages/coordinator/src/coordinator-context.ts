import { randomBytes } from 'node:crypto';
import type { CoordinatorConfig } from './coordinator-config.js';
import type { JobChangeFeed } from './job-change-feed.js';
import type { ChangeSet, JobStore } from './store/job-store.js';
import type { TaskReadySignal } from './task-ready-signal.js';
import type { TaskActivity } from './task-activity.js';
import type { LeaseGrants } from './lease-grants.js';
import { coordinatorMetrics } from './coordinator-metrics.js';

/** What every JobService / WorkService handler works with. */
export interface CoordinatorContext {
  readonly store: JobStore;
  readonly config: CoordinatorConfig;
  readonly ready: TaskReadySignal;
  readonly feed: JobChangeFeed;
  /** Fires when the server starts closing: long polls answer, watch streams end. */
  readonly shutdown: AbortSignal;
  /** Lease times and unit progress of running tasks (memory only). */
  readonly activity: TaskActivity;
  /** Signs the leases' write grants; undefined when the coordinator issues none (no auth or no grant key). */
  readonly grants: LeaseGrants | undefined;
}

/** Wakes watchers of the changed jobs and, when tasks became leasable, the long polls. */
export function publishChanges(ctx: CoordinatorContext, changes: ChangeSet): void {
  const ended = changes.ended ?? [];
  if (changes.jobIds.length > 0) ctx.feed.publish(changes.jobIds, ended.length > 0 ? new Set(ended.map((e) => e.jobId)) : undefined);
  if (changes.tasksReady) ctx.ready.notify(changes.readyTasks);
  if (changes.retries) coordinatorMetrics.retries.add(changes.retries);
  for (const { state } of ended) coordinatorMetrics.jobsEnded.add(1, { 'florin.job.state': state });
}

/** A new job id: time-ordered prefix plus randomness, e.g. "job-lzx3k2a1-9f8e7d6c5b". Never contains "/". */
export function newJobId(nowMs: number): string {
  return `job-${nowMs.toString(36)}-${randomBytes(5).toString('hex')}`;
}
