import { FlorinError } from '@florin/core';
import type { MembershipWatch, ReadyOptions, WatchState } from './discovery.js';
import type { Membership } from './member.js';
import { closedError, type MembershipFeed } from './membership-feed.js';

/** One caller's view of a shared MembershipFeed. */
export class MembershipView implements MembershipWatch {
  private closed = false;
  private readonly stops = new Set<() => void>();
  /** Waiters (ready, iterators) to wake when this view closes. */
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly feed: MembershipFeed,
    private readonly release: () => void,
  ) {}

  get service(): string {
    return this.feed.service;
  }

  get state(): WatchState {
    return this.closed ? 'closed' : this.feed.state;
  }

  current(): Membership | undefined {
    return this.feed.current();
  }

  error(): Error | undefined {
    return this.feed.error();
  }

  onChange(listener: (membership: Membership) => void): () => void {
    if (this.closed) return () => {};
    const stop = this.feed.listen((m) => {
      if (m && !this.closed) listener(m);
    });
    this.stops.add(stop);
    return () => {
      stop();
      this.stops.delete(stop);
    };
  }

  ready(options: ReadyOptions = {}): Promise<Membership> {
    const min = options.minMembers ?? 0;
    const satisfied = (m: Membership | undefined): m is Membership => m !== undefined && m.members.length >= min;
    const now = this.current();
    if (satisfied(now)) return Promise.resolve(now);
    return new Promise<Membership>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let stop = (): void => {};
      const finish = (err: Error | undefined, m?: Membership): void => {
        stop();
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(m as Membership);
      };
      const check = (): boolean => {
        const failure = this.state === 'failed' ? this.error() : this.state === 'closed' ? closedError(this.service) : undefined;
        if (failure) {
          finish(failure);
          return true;
        }
        const m = this.current();
        if (satisfied(m)) {
          finish(undefined, m);
          return true;
        }
        return false;
      };
      const onAbort = (): void => finish(new FlorinError('CANCELLED', `waiting for members of ${this.service} was cancelled`));
      if (check()) return;
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const unlisten = this.feed.listen(() => void check());
      const waker = (): void => void check();
      this.wakers.add(waker);
      stop = () => {
        unlisten();
        this.stops.delete(stop);
        this.wakers.delete(waker);
      };
      this.stops.add(stop);
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const have = this.current()?.members.length ?? 0;
          finish(new FlorinError('UNAVAILABLE', `no ${min > 0 ? `${min} members` : 'answer'} for ${this.service} after ${options.timeoutMs} ms (have ${have}; watch is ${this.state}${this.feed.stats().lastError ? `: ${this.feed.stats().lastError}` : ''})`));
        }, options.timeoutMs);
        timer.unref();
      }
    });
  }

  /** Yields the current answer (if any), then the newest answer after each change; ends on close, throws on failure. */
  async *[Symbol.asyncIterator](): AsyncIterator<Membership> {
    let pending: Membership | undefined = this.current();
    let wake: (() => void) | undefined;
    const stop = this.feed.listen((m) => {
      if (m) pending = m;
      wake?.();
    });
    this.stops.add(stop);
    const waker = (): void => wake?.();
    this.wakers.add(waker);
    try {
      for (;;) {
        if (pending) {
          const m = pending;
          pending = undefined;
          yield m;
          continue;
        }
        if (this.state === 'closed') return;
        if (this.state === 'failed') throw this.error();
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      stop();
      this.stops.delete(stop);
      this.wakers.delete(waker);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Wake waiters (they see 'closed') and iterators (they end), then drop the listeners.
    for (const wake of [...this.wakers]) wake();
    for (const stop of [...this.stops]) stop();
    this.stops.clear();
    this.release();
  }
}
