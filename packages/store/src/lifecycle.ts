import { failedPrecondition } from '@florin/core';
import type { StoreState } from './store.js';

/**
 * The created -> open -> closed state machine shared by the store backends.
 * open() and close() are idempotent and safe to call concurrently: callers
 * share one in-flight promise. A store cannot be reopened once closed.
 */
export class StoreLifecycle {
  private current: StoreState = 'created';
  private opening: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly label: string) {}

  get state(): StoreState {
    return this.current;
  }

  open(doOpen: () => Promise<void>): Promise<void> {
    if (this.current === 'closed' || this.closing) {
      return Promise.reject(failedPrecondition(`${this.label} is closed; create a new store to open it again`));
    }
    this.opening ??= doOpen().then(
      () => {
        this.current = 'open';
      },
      (err: unknown) => {
        this.opening = undefined;
        throw err;
      },
    );
    return this.opening;
  }

  close(doClose: () => Promise<void>): Promise<void> {
    this.closing ??= (async () => {
      // Let an open in flight finish, so it does not leak what it opened.
      if (this.opening) await this.opening.catch(() => undefined);
      try {
        await doClose();
      } finally {
        this.current = 'closed';
      }
    })();
    return this.closing;
  }

  /** Throws FAILED_PRECONDITION unless the store is open. */
  assertOpen(): void {
    if (this.current === 'open' && !this.closing) return;
    if (this.current === 'created') throw failedPrecondition(`${this.label} is not open; call open() first`);
    throw failedPrecondition(`${this.label} is closed`);
  }
}
