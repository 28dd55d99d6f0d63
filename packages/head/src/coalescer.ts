import { FlorinError } from '@florin/core';
import { abortReason, type ReadTicket } from './read-ticket.js';

interface Entry {
  readonly ticket: ReadTicket;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
  readonly cleanup: () => void;
}

/**
 * Gathers reads with missing chunks for a short linger window, then plans
 * them together, so reads that overlap and arrive together cause one
 * upstream fetch of their union whichever arrives first. `lingerMs` 0 waits
 * one event-loop turn (setImmediate). A read cancelled while it lingers just
 * leaves. The timer is unref'd and cleared on close.
 */
export class Coalescer {
  private pending: Entry[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private closed = false;

  constructor(
    private readonly lingerMs: number,
    private readonly plan: (tickets: readonly ReadTicket[]) => void,
  ) {}

  get waiting(): number {
    return this.pending.length;
  }

  /** Resolves once the flush has planned `ticket` (its slots are filled or wait on fetches). */
  enqueue(ticket: ReadTicket): Promise<void> {
    if (this.closed) return Promise.reject(new FlorinError('UNAVAILABLE', 'head node is closing'));
    const signal = ticket.signal;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.pending.indexOf(entry);
        if (at >= 0) this.pending.splice(at, 1);
        reject(abortReason(signal!));
      };
      const entry: Entry = {
        ticket,
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.push(entry);
      this.arm();
    });
  }

  /** Refuses every lingering read and stops the timer. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.disarm();
    const err = new FlorinError('UNAVAILABLE', 'head node is closing');
    for (const entry of this.pending.splice(0)) {
      entry.cleanup();
      entry.reject(err);
    }
  }

  private arm(): void {
    if (this.timer) return;
    if (this.lingerMs > 0) {
      this.timer = setTimeout(() => this.flush(), this.lingerMs);
    } else {
      this.timer = setImmediate(() => this.flush());
    }
    this.timer.unref();
  }

  private disarm(): void {
    if (!this.timer) return;
    if (this.lingerMs > 0) clearTimeout(this.timer as NodeJS.Timeout);
    else clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = undefined;
  }

  private flush(): void {
    this.timer = undefined;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    for (const entry of batch) entry.cleanup();
    try {
      this.plan(batch.map((e) => e.ticket));
    } catch (err) {
      for (const entry of batch) entry.reject(err);
      return;
    }
    for (const entry of batch) entry.resolve();
  }
}
