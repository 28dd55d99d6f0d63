import PQueue from 'p-queue';

/**
 * Runs async tasks one at a time, in submission order (p-queue with
 * concurrency 1). A task that fails does not stop the ones queued after it.
 * The shard's single-writer lane and the DuckDB store's per-connection lanes
 * both use it.
 */
export class SerialQueue {
  private readonly queue = new PQueue({ concurrency: 1 });

  /** Tasks submitted and not yet settled (running or waiting). */
  get depth(): number {
    return this.queue.size + this.queue.pending;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.add(task, { throwOnTimeout: true });
  }

  /** Resolves once every task submitted so far has settled. */
  idle(): Promise<void> {
    return this.queue.onIdle();
  }
}
