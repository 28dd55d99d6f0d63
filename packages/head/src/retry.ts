import { Backoff, FlorinError, sleep } from '@florin/core';
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

/** Most time kept back from the deadline for the last failure to reach the caller (see withRetry). */
export const ANSWER_MARGIN_MS = 250;

/**
 * Runs `attempt` until it succeeds, retrying UNAVAILABLE failures with
 * exponential backoff and jitter while the deadline allows, up to
 * policy.maxAttempts. A DEADLINE_EXCEEDED attempt is retried only when the
 * deadline grew meanwhile. Other failures are thrown at once, normalised by
 * upstreamError. No retry starts in the last tenth of the time the call had
 * when it began (at most ANSWER_MARGIN_MS): that time carries the last failure
 * (UNAVAILABLE, naming the shard) or a peer's fallback to the caller before
 * the caller's own deadline turns it into DEADLINE_EXCEEDED, also on a loaded
 * machine.
 */
export async function withRetry<T>(attempt: (deadlineMs: number) => Promise<T>, ctx: RetryContext): Promise<T> {
  const { initialBackoffMs, maxBackoffMs, multiplier } = ctx.policy;
  const backoff = new Backoff({ initialMs: initialBackoffMs, maxMs: maxBackoffMs, multiplier, jitter: true }, ctx.random);
  const margin = Math.min(ANSWER_MARGIN_MS, Math.max(0, (ctx.deadlineMs() - Date.now()) / 10));
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
      const delay = backoff.next();
      if (Date.now() + delay + margin >= ctx.deadlineMs()) throw err;
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
