/**
 * Wakes LeaseTasks long polls when tasks may have become leasable (a submit,
 * a requeue, a retry, a new final task). Waiters then query the store again;
 * a wake-up is a hint, never a promise that a task is there.
 */
export class TaskReadySignal {
  private waiters = new Set<() => void>();

  get waiting(): number {
    return this.waiters.size;
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Resolves on the next notify(), after `ms`, or when `signal` aborts; never rejects. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }
}
