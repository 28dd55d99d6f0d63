import { FlorinError } from '@florin/core';
import type { RetryPolicy } from './options.js';
import { upstreamError } from './upstream.js';

export interface RetryContext {
  readonly policy: RetryPolicy;
  /** Aborts the retries (and the sleep between them). */
  readonly signal: AbortSignal;
  /** The absolute deadline, read before each attempt (a shared fetch's deadline can grow). */
  readonly deadlineMs: () => number;
  /** Called before each retry. */
  readonly onRetry?: (err: FlorinError, attempt: number) => void;
  /** Source of jitter in [0, 1). Default Math.random. */
  readonly random?: () => number;
}

/**
 * Runs `attempt` until it succeeds, retrying UNAVAILABLE failures with
 * exponential backoff and jitter while the deadline allows, up to
 * policy.maxAttempts. A DEADLINE_EXCEEDED attempt is retried only when the
 * deadline grew meanwhile. Other failures are thrown at once, normalised by
 * upstreamError.
 */
export async function withRetry<T>(attempt: (deadlineMs: number) => Promise<T>, ctx: RetryContext): Promise<T> {
  const random = ctx.random ?? Math.random;
  for (let n = 1; ; n++) {
    throwIfAborted(ctx.signal);
    const deadline = ctx.deadlineMs();
    try {
      return await attempt(deadline);
    } catch (raw) {
      throwIfAborted(ctx.signal);
      const err = upstreamError(raw);
      const retryable = err.code === 'UNAVAILABLE' || (err.code === 'DEADLINE_EXCEEDED' && ctx.deadlineMs() > deadline);
      if (!retryable || n >= ctx.policy.maxAttempts) throw err;
      const base = Math.min(ctx.policy.maxBackoffMs, ctx.policy.initialBackoffMs * ctx.policy.multiplier ** (n - 1));
      const delay = base / 2 + random() * (base / 2);
      if (Date.now() + delay >= ctx.deadlineMs()) throw err;
      ctx.onRetry?.(err, n);
      await sleep(delay, ctx.signal);
    }
  }
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) {
    throw signal.reason instanceof FlorinError ? signal.reason : new FlorinError('CANCELLED', 'upstream call aborted');
  }
}

/** Waits `ms` (an unref'd timer), or rejects with the signal's reason as soon as it fires. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    timer.unref();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
