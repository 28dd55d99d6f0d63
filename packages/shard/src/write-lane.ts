/**
 * The shard is the single writer of its partition: writes reach the store one
 * at a time, in arrival order, so two upserts of the same rows never race
 * inside the store. A failed write does not block the ones queued behind it.
 */
export class WriteLane {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  /** Writes waiting or running. */
  get depth(): number {
    return this.queued;
  }

  run<T>(write: () => Promise<T>): Promise<T> {
    this.queued++;
    const next = this.tail.then(write);
    const settled = next.finally(() => {
      this.queued--;
    });
    this.tail = settled.catch(() => undefined);
    return next;
  }
}
