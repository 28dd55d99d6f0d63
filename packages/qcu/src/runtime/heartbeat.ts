import { FlorinError } from '@florin/core';
import { lossError, type LeaseTable } from './lease-table.js';
import type { LeaseRef, WorkPort } from './work-port.js';

export interface HeartbeatOptions {
  leaseMs: number;
  intervalMs: number;
  onError(err: unknown, during: string): void;
}

/**
 * Extends every held lease every `intervalMs` (leaseMs / 3) with one Heartbeat
 * call, and aborts the tasks the coordinator names as lost (cancelled job,
 * failed job, expired or taken-over lease). Expiry is tracked on the local
 * clock from the time each request was sent, so clock skew with the
 * coordinator cannot make a lease look longer than it is: a lease that could
 * not be extended in time (coordinator unreachable) is dropped and its task
 * aborted, since another worker may already be running it.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly work: Pick<WorkPort, 'heartbeat'>,
    private readonly leases: LeaseTable,
    private readonly options: HeartbeatOptions,
  ) {}

  start(): void {
    this.schedule();
  }

  /** Stops the timer. Idempotent. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Hands leases back: one Heartbeat asking for a `leaseMs` lease (the
   * coordinator's minimum), so they lapse and requeue at once. Their tasks
   * must already be aborted and out of the table.
   */
  async handBack(refs: readonly LeaseRef[], leaseMs: number, deadlineMs: number): Promise<void> {
    if (refs.length === 0) return;
    try {
      await this.work.heartbeat(refs, { leaseMs, deadlineMs: Math.max(1, deadlineMs) });
    } catch (err) {
      this.options.onError(err, `handing back ${refs.length} leases (they requeue when they expire)`);
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.beat().finally(() => this.schedule()), this.options.intervalMs);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    const refs = this.leases.refs();
    if (refs.length > 0) {
      const sentAt = Date.now();
      try {
        const answer = await this.work.heartbeat(refs, { leaseMs: this.options.leaseMs, deadlineMs: this.options.intervalMs });
        for (const e of answer.extended) this.leases.extend(e, sentAt + this.options.leaseMs, e.grant);
        for (const l of answer.lost) this.leases.lose(l, lossError(l.reason));
      } catch (err) {
        if (!this.stopped) this.options.onError(err, `Heartbeat of ${refs.length} leases`);
      }
    }
    const now = Date.now();
    for (const lease of this.leases.all()) {
      if (lease.expiresMs <= now) {
        this.leases.lose(lease, new FlorinError('UNAVAILABLE', 'the task lease expired: the coordinator could not be reached to extend it'));
      }
    }
  }
}
