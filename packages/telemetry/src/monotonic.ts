/**
 * Turns a counter that its owner may reset (GetStats with reset = true) into a monotonic
 * running total, as OTel cumulative counters must be: a reading below the last one means the
 * counter restarted from zero, so the whole reading is new.
 */
export class ResetTolerantTotal {
  private last = 0;
  private total = 0;

  observe(reading: number): number {
    this.total += reading >= this.last ? reading - this.last : reading;
    this.last = reading;
    return this.total;
  }
}
