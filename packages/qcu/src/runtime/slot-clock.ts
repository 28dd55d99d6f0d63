/**
 * Busy and idle time of a QCU's task slots since the worker was made: slot-milliseconds spent
 * running unit code, and slot-milliseconds free (florin.qcu.slot.time{busy|idle}).
 */
export class QcuSlotClock {
  private readonly startedAt = performance.now();
  private busy = 0;
  private busyMsDone = 0;
  private since = performance.now();

  constructor(private readonly slots: number) {}

  taskStarted(): void {
    this.settle();
    this.busy++;
  }

  taskEnded(): void {
    this.settle();
    this.busy = Math.max(0, this.busy - 1);
  }

  /** Slot-milliseconds busy and idle until now. */
  read(): { busyMs: number; idleMs: number } {
    this.settle();
    const total = (performance.now() - this.startedAt) * this.slots;
    return { busyMs: this.busyMsDone, idleMs: Math.max(0, total - this.busyMsDone) };
  }

  private settle(): void {
    const now = performance.now();
    this.busyMsDone += Math.min(this.busy, this.slots) * (now - this.since);
    this.since = now;
  }
}
