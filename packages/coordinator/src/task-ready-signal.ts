import { unitRefKey } from './model.js';
import type { ReadyTasks } from './store/job-store.js';

/** What woke a waiter: some tasks of one unit, or anything ('all': a requeue, a retry, a final task). */
export type Wake = ReadyTasks | 'all';

/** A long poll waiting for tasks: the units it runs and the most tasks it takes. */
export interface WaiterSpec {
  readonly units: readonly { name: string; version: string }[];
  readonly maxTasks: number;
}

interface Waiter {
  readonly refs: ReadonlySet<string>;
  readonly maxTasks: number;
  readonly wake: (why: Wake) => void;
}

/**
 * Wakes LeaseTasks long polls when tasks may have become leasable. A submit
 * wakes only as many waiters of its unit as its tasks need (their max_tasks
 * summed), oldest waiter first; a requeue, retry or new final task wakes
 * every waiter. Waiters then query the store again: a wake-up is a hint,
 * never a promise that a task is there. Two rules keep a counted wake-up
 * from being lost: a waiter that was woken but answers its caller without
 * querying (cancelled, shutting down) passes the wake-up on (`pass`), and a
 * poll that registers after a notify it could not see (it queried before the
 * notify, waits after it) returns at once (`epoch`).
 */
export class TaskReadySignal {
  private waiters = new Set<Waiter>();
  private epochValue = 0;

  get waiting(): number {
    return this.waiters.size;
  }

  /** Grows at every notify; a poll takes it before querying and hands it to wait(). */
  get epoch(): number {
    return this.epochValue;
  }

  /** Tasks became leasable: `ready` says how many of which unit; undefined wakes every waiter. */
  notify(ready?: ReadyTasks): void {
    this.epochValue++;
    if (ready === undefined) {
      const waiters = this.waiters;
      this.waiters = new Set();
      for (const w of waiters) w.wake('all');
      return;
    }
    let left = ready.count;
    for (const w of this.waiters) {
      if (left <= 0) break;
      if (!w.refs.has(ready.unitRef)) continue;
      this.waiters.delete(w);
      left -= w.maxTasks;
      w.wake(ready);
    }
  }

  /** A woken waiter that will not query the store hands its wake-up to the next waiter. */
  pass(wake: Wake | undefined): void {
    if (wake !== undefined) this.notify(wake === 'all' ? undefined : wake);
  }

  /**
   * Resolves with the wake-up on the next notify that concerns this waiter,
   * or undefined after `ms`, when `signal` aborts, or at once when a notify
   * came after `sinceEpoch` (then as a wake-up of everything). Never rejects.
   */
  wait(spec: WaiterSpec, ms: number, sinceEpoch: number, signal?: AbortSignal): Promise<Wake | undefined> {
    if (this.epochValue !== sinceEpoch) return Promise.resolve('all');
    if (signal?.aborted || ms <= 0) return Promise.resolve(undefined);
    const refs = new Set(spec.units.map((u) => unitRefKey(u.name, u.version)));
    return new Promise<Wake | undefined>((resolve) => {
      const done = (why: Wake | undefined): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(waiter);
        resolve(why);
      };
      const onAbort = (): void => done(undefined);
      const waiter: Waiter = { refs, maxTasks: spec.maxTasks, wake: done };
      const timer = setTimeout(onAbort, ms);
      timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }
}
