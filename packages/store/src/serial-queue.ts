/**
 * Runs async tasks one at a time, in submission order. A task that fails does
 * not stop the ones queued after it. Used to keep one database connection
 * from interleaving statements (and transactions) of concurrent calls.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  /** Tasks submitted and not yet settled (running or waiting). */
  get depth(): number {
    return this.queued;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.queued++;
    const result = this.tail.then(task);
    this.tail = result.then(
      () => {
        this.queued--;
      },
      () => {
        this.queued--;
      },
    );
    return result;
  }

  /** Resolves once every task submitted so far has settled. */
  idle(): Promise<void> {
    return this.tail;
  }
}
