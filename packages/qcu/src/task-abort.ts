/**
 * A task's cancellation, whose AbortSignal is made only when something asks
 * for it. Most short tasks never look at ctx.signal, and an AbortController
 * per task cost 2 µs of a no-op task's ~30 µs in the QCU (dispatch benchmark
 * profile). `aborted` is exact either way; a signal made after abort() is
 * already aborted with the same reason.
 */
export class TaskAbort {
  private controller: AbortController | undefined;
  private reasonValue: unknown;
  private abortedValue = false;

  get aborted(): boolean {
    return this.abortedValue;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortedValue) this.controller.abort(this.reasonValue);
    }
    return this.controller.signal;
  }

  /** Idempotent: the first reason stays. */
  abort(reason: unknown): void {
    if (this.abortedValue) return;
    this.abortedValue = true;
    this.reasonValue = reason;
    this.controller?.abort(reason);
  }
}
