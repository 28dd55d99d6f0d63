/** Waiting between retries: one sleep and one exponential backoff for every retry loop of Florin. */
import { setTimeout as delay } from 'node:timers/promises';

export interface SleepOptions {
  /**
   * Keep the process alive while waiting. Default false (an unref'd timer),
   * for servers and workers; true where a caller awaits the result and nothing
   * else may hold the event loop (the SDK's watch reconnecting to a coordinator).
   */
  ref?: boolean;
}

/** Waits `ms`. Rejects with the signal's reason as soon as it fires. */
export async function sleep(ms: number, signal?: AbortSignal, options: SleepOptions = {}): Promise<void> {
  if (signal?.aborted) throw signal.reason;
  try {
    await delay(ms, undefined, { signal, ref: options.ref ?? false });
  } catch (err) {
    throw signal?.aborted ? signal.reason : err;
  }
}

/** Waits `ms`, or less: resolves early (without error) when the signal fires; the caller then checks the signal. */
export async function sleepUnlessAborted(ms: number, signal?: AbortSignal, options?: SleepOptions): Promise<void> {
  try {
    await sleep(ms, signal, options);
  } catch (err) {
    if (!signal?.aborted) throw err;
  }
}

export interface BackoffPolicy {
  /** The first delay, in ms. */
  initialMs: number;
  /** Cap on one delay, in ms. */
  maxMs: number;
  /** Growth factor per retry. Default 2. */
  multiplier?: number;
  /** Equal jitter: each delay is drawn from [d/2, d) rather than d. Default false. */
  jitter?: boolean;
}

/** The delay before retry `retry` (0-based) without jitter: min(maxMs, initialMs * multiplier^retry). */
export function backoffDelayMs(policy: BackoffPolicy, retry: number): number {
  const exponent = Math.min(30, Math.max(0, retry));
  return Math.min(policy.maxMs, policy.initialMs * (policy.multiplier ?? 2) ** exponent);
}

/**
 * The delays of one retry loop: next() answers the delay before the next
 * retry (initialMs, then growing by the multiplier up to maxMs), reset()
 * starts over after a success.
 */
export class Backoff {
  private retries = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next retry, in ms; each call moves one step up. */
  next(): number {
    const base = backoffDelayMs(this.policy, this.retries++);
    return this.policy.jitter ? base / 2 + this.random() * (base / 2) : base;
  }

  reset(): void {
    this.retries = 0;
  }
}
