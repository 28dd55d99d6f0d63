import { Backoff, FlorinError, sleepUnlessAborted } from '@florin/core';
import type { OutcomeAck, TaskOutcome, WorkPort } from './work-port.js';

/** Most outcomes in one CompleteTasks call (the coordinator accepts 10,000). */
const MAX_BATCH = 1000;
const RETRY_BACKOFF = { initialMs: 100, maxMs: 5_000 };

interface Pending {
  outcome: TaskOutcome;
  resolve: (ack: OutcomeAck | undefined) => void;
}

/** Outcomes taken out of the queue to go on a LeaseTasks call (see CompletionQueue.take). */
export interface CarriedOutcomes {
  readonly outcomes: readonly TaskOutcome[];
  /** The coordinator's acks, one per outcome in order. */
  settle(acks: readonly OutcomeAck[]): void;
  /** The call failed or was not understood: back to the front of the queue, sent by CompleteTasks. */
  putBack(): void;
}

/**
 * Sends task outcomes in batches: outcomes that arrive while a CompleteTasks
 * call is in flight go together in the next one. The worker's lease loop may
 * take the queued outcomes to carry them on its next LeaseTasks call instead
 * (`take`); while `deferToLease()` says such a call is about to go out, the
 * queue holds its own send for it. A call that fails with a
 * transient status (UNAVAILABLE, DEADLINE_EXCEEDED, ...) is retried with
 * backoff; the leases stay heartbeated meanwhile. Other failures drop the
 * batch (reported to onError) and resolve its outcomes as undefined.
 */
export class CompletionQueue {
  private readonly queue: Pending[] = [];
  /** The running send loop; cleared in the same turn the loop sees an empty queue, so no outcome is stranded. */
  private sending: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  /** Outcomes at the front of the queue that a CompleteTasks call is sending now. */
  private inFlight = 0;

  constructor(
    private readonly work: Pick<WorkPort, 'complete'>,
    private readonly deadlineMs: number,
    private readonly onError: (err: unknown, during: string) => void,
    /** Duration of each successful CompleteTasks call, in ms (a coordinator round trip). */
    private readonly onRoundTrip: (ms: number) => void = () => undefined,
    /** True while a LeaseTasks call that will take the queued outcomes is about to go out. */
    private readonly deferToLease: () => boolean = () => false,
  ) {}

  /** Outcomes queued and not being sent, up to one batch, for a LeaseTasks call to carry; undefined when there are none. */
  take(): CarriedOutcomes | undefined {
    if (this.stopped || this.queue.length <= this.inFlight) return undefined;
    const taken = this.queue.splice(this.inFlight, MAX_BATCH);
    return {
      outcomes: taken.map((p) => p.outcome),
      settle: (acks) => taken.forEach((p, i) => p.resolve(acks[i])),
      putBack: () => {
        if (this.stopped) {
          for (const p of taken) p.resolve(undefined);
          return;
        }
        this.queue.splice(this.inFlight, 0, ...taken);
        this.kick();
      },
    };
  }

  /** Starts sending what is queued (after a deferral to a lease that did not go out). */
  kick(): void {
    if (this.queue.length > 0 && !this.stopped) this.sending ??= this.drainQueue();
  }

  /** Resolves the coordinator's ack, or undefined when the outcome could not be delivered. */
  add(outcome: TaskOutcome): Promise<OutcomeAck | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.queue.push({ outcome, resolve });
      this.sending ??= this.drainQueue();
    });
  }

  /** Resolves once everything queued has been sent (or given up by stop()). */
  async flushed(): Promise<void> {
    this.kick();
    while (this.sending) {
      await this.sending;
      this.kick();
    }
  }

  /** Stops retrying; pending outcomes resolve undefined. Idempotent. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
    for (const p of this.queue.splice(0)) p.resolve(undefined);
  }

  private async drainQueue(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r)); // let outcomes finishing in this turn join the batch
    const retries = new Backoff(RETRY_BACKOFF);
    for (;;) {
      // A lease about to go out carries them (it kicks the queue again if it does not).
      if (this.queue.length === 0 || this.stopped || this.deferToLease()) {
        this.sending = undefined;
        return;
      }
      const batch = this.queue.slice(0, MAX_BATCH);
      this.inFlight = batch.length;
      try {
        const sentAt = performance.now();
        const acks = await this.work.complete(
          batch.map((p) => p.outcome),
          { deadlineMs: this.deadlineMs },
        ).finally(() => (this.inFlight = 0));
        this.onRoundTrip(performance.now() - sentAt);
        this.queue.splice(0, batch.length);
        batch.forEach((p, i) => p.resolve(acks[i]));
        retries.reset();
      } catch (err) {
        if (this.stopped) continue;
        if (!isTransient(err)) {
          this.queue.splice(0, batch.length);
          for (const p of batch) p.resolve(undefined);
          this.onError(err, `CompleteTasks (${batch.length} outcomes dropped)`);
          continue;
        }
        const backoff = retries.next();
        this.onError(err, `CompleteTasks (retrying in ${backoff} ms)`);
        const wake = new AbortController();
        this.wake = () => wake.abort();
        await sleepUnlessAborted(backoff, wake.signal);
        this.wake = undefined;
      }
    }
  }
}

/** Statuses worth retrying: the coordinator was unreachable, slow, or restarting. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof FlorinError)) return true;
  return err.code === 'UNAVAILABLE' || err.code === 'DEADLINE_EXCEEDED' || err.code === 'RESOURCE_EXHAUSTED' || err.code === 'INTERNAL' || err.code === 'CANCELLED';
}
