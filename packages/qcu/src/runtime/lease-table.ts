import { FlorinError } from '@florin/core';
import { TaskAbort } from '../task-abort.js';
import type { LeaseLossReason, LeaseRef, LeaseReport } from './work-port.js';

/** A lease this worker holds: the task runs (phase running) or its outcome is on its way (completing). */
export interface HeldLease extends LeaseRef {
  readonly jobId: string;
  /** When the lease ends unless extended (coordinator clock, epoch ms). */
  expiresMs: number;
  phase: 'running' | 'completing';
  /** Aborts the task's ctx.signal. */
  readonly abort: TaskAbort;
  /** The unit's last ctx.progress, sent with each heartbeat. */
  progress?: { fraction: number; message: string };
  /** The current write grant of the lease ('' when the coordinator issues none); heartbeats renew it. */
  grant: string;
}

/**
 * The leases a QCU holds, by task id. Heartbeats extend every lease in it
 * (also those whose outcome is still being sent, so they cannot lapse before
 * the coordinator records the outcome); a lost lease aborts its task.
 */
export class LeaseTable {
  private readonly leases = new Map<string, HeldLease>();

  get size(): number {
    return this.leases.size;
  }

  add(task: LeaseRef & { jobId: string; leaseExpiresMs: number; grant?: string }): HeldLease {
    const lease: HeldLease = {
      taskId: task.taskId,
      attempt: task.attempt,
      jobId: task.jobId,
      expiresMs: task.leaseExpiresMs,
      phase: 'running',
      abort: new TaskAbort(),
      grant: task.grant ?? '',
    };
    this.leases.set(task.taskId, lease);
    return lease;
  }

  /** The lease of `ref`, if this worker still holds that very attempt. */
  get(ref: LeaseRef): HeldLease | undefined {
    const lease = this.leases.get(ref.taskId);
    return lease && lease.attempt === ref.attempt ? lease : undefined;
  }

  all(): HeldLease[] {
    return [...this.leases.values()];
  }

  /** Every held lease, with the progress its unit last reported. */
  refs(): LeaseReport[] {
    return this.all().map((l) =>
      l.progress ? { taskId: l.taskId, attempt: l.attempt, progress: l.progress.fraction, progressMessage: l.progress.message } : { taskId: l.taskId, attempt: l.attempt },
    );
  }

  /** Extends the lease; a renewed write grant replaces the old one. */
  extend(ref: LeaseRef, expiresMs: number, grant = ''): void {
    const lease = this.get(ref);
    if (!lease) return;
    lease.expiresMs = expiresMs;
    if (grant !== '') lease.grant = grant;
  }

  /** Drops the lease and aborts its task with `reason`. */
  lose(ref: LeaseRef, reason: FlorinError): void {
    const lease = this.get(ref);
    if (!lease) return;
    this.leases.delete(ref.taskId);
    lease.abort.abort(reason);
  }

  /** Drops the lease without aborting (its outcome was acknowledged). */
  release(ref: LeaseRef): void {
    if (this.get(ref)) this.leases.delete(ref.taskId);
  }
}

/** The abort reason a task sees when its lease goes away. */
export function lossError(reason: LeaseLossReason): FlorinError {
  switch (reason) {
    case 'job_cancelled':
      return new FlorinError('CANCELLED', 'the job was cancelled');
    case 'job_failed':
      return new FlorinError('CANCELLED', 'the job failed (another task failed permanently)');
    case 'already_completed':
      return new FlorinError('CANCELLED', 'the task was already completed by another attempt');
    case 'unknown_task':
      return new FlorinError('CANCELLED', 'the coordinator does not know the task');
    case 'lease_lost':
    default:
      return new FlorinError('CANCELLED', 'the task lease was lost (expired or taken over by another attempt)');
  }
}
