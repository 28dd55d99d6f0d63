import { FlorinError } from '@florin/core';

interface Waiter {
  readonly bytes: number;
  readonly grant: () => void;
  readonly refuse: (err: unknown) => void;
}

/**
 * Bounds the bytes of upstream fetches in flight (lru-cache counts a fetch in
 * progress as zero bytes). A fetch takes its estimated bytes before it starts
 * and gives them back when it ends; past the bound, fetches wait in FIFO
 * order. A fetch larger than the whole budget runs alone rather than never.
 */
export class InflightBudget {
  private usedBytes = 0;
  private readonly queue: Waiter[] = [];

  constructor(readonly capacity: number) {}

  get used(): number {
    return this.usedBytes;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with a release function (idempotent) once `bytes` fit; rejects if `signal` fires first. */
  acquire(bytes: number, signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.queue.length === 0 && this.fits(bytes)) return Promise.resolve(this.take(bytes));
    return new Promise<() => void>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        reject(signal.reason);
        this.pump();
      };
      const waiter: Waiter = {
        bytes,
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(this.take(bytes));
        },
        refuse: (err) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** Refuses every queued fetch (the head node is closing). */
  close(): void {
    const err = new FlorinError('UNAVAILABLE', 'head node is closing');
    for (const waiter of this.queue.splice(0)) waiter.refuse(err);
  }

  private fits(bytes: number): boolean {
    return this.usedBytes === 0 || this.usedBytes + bytes <= this.capacity;
  }

  private take(bytes: number): () => void {
    this.usedBytes += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.usedBytes -= bytes;
      this.pump();
    };
  }

  private pump(): void {
    while (this.queue.length > 0 && this.fits(this.queue[0]!.bytes)) this.queue.shift()!.grant();
  }
}
