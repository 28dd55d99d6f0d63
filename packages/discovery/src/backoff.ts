import { backoffDelayMs } from '@florin/core';

/**
 * Discovery's retry delays after failures: core's exponential backoff (one for all of Florin) with full jitter,
 * a uniform draw in [0, min(cap, base * 2^(attempt - 1))), so that many tasks that lost the backend together
 * do not retry in step. The names are discovery's options (`backoff: { baseMs, capMs }`).
 */
export interface BackoffPolicy {
  /** First ceiling, ms (default 500). */
  readonly baseMs: number;
  /** Largest ceiling, ms (default 30,000). */
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 30_000 };

/** The delay before retry number `attempt` (1 for the first retry). */
export function fullJitter(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = backoffDelayMs({ initialMs: policy.baseMs, maxMs: policy.capMs }, attempt - 1);
  return Math.floor(random() * ceiling);
}

/** Spreads a periodic delay by +-10% so that many processes do not poll in step. */
export function jittered(ms: number, random: () => number = Math.random): number {
  return Math.max(1, Math.round(ms * (0.9 + 0.2 * random())));
}
