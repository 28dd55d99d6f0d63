import { resolveLimits, type Limits, createLogger, type Logger, type ServerSecurity, type GrantSigningKey } from '@florin/core';
import type { TaskPolicy } from './model.js';

/** Options of a CoordinatorServer; every one has a documented default. */
export interface CoordinatorOptions {
  /** Message sizes and the default call deadline (core Limits). maxSymbolsPerRequest also caps task_size. */
  limits?: Partial<Limits>;
  /** Lease length when a LeaseTasks/Heartbeat names none. Default 30,000 ms. */
  defaultLeaseMs?: number;
  /** Shortest lease a worker may ask for. Default 100 ms. */
  minLeaseMs?: number;
  /** Longest lease a worker may ask for. Default 3,600,000 ms (1 h). */
  maxLeaseMs?: number;
  /** Longest LeaseTasks long poll. Default 60,000 ms. */
  maxWaitMs?: number;
  /** Symbols per task when a job names none. Default 25. */
  defaultTaskSize?: number;
  /** Attempts per task when a job names none. Default 3. */
  defaultMaxAttempts?: number;
  /** Most attempts a job may ask for. Default 100. */
  maxAttemptsLimit?: number;
  /** Backoff before retry n is min(retryMaxMs, retryBaseMs * 2^(n-1)). Default 1,000 ms. */
  retryBaseMs?: number;
  /** Default 60,000 ms. */
  retryMaxMs?: number;
  /** A task whose lease expires this many times fails its job. Default 5. */
  maxLeaseExpiries?: number;
  /** Most symbols in one job's universe (more: RESOURCE_EXHAUSTED). Default 100,000. */
  maxSymbolsPerJob?: number;
  /** Largest result_json of one task, in bytes (larger fails the task). Default 1 MiB. */
  maxResultBytes?: number;
  /** Largest sum of regular task results handed to a final task. Default 32 MiB; must be below limits.maxMessageBytes. */
  maxFinalInputBytes?: number;
  /** Log lines kept per task outcome (the last ones; ctx.log). Default 100. */
  maxLogLines?: number;
  /** Characters kept per log line (longer lines are cut, marked with "…"). Default 2,000. */
  maxLogLineChars?: number;
  /** How often expired leases are requeued (besides the check at every lease). Default 1,000 ms. */
  sweepIntervalMs?: number;
  /** How often a waiting long poll re-checks the store without a wake-up (other coordinators on PostgreSQL). Default 1,000 ms. */
  leasePollMs?: number;
  /** Watch: changes within this window become one event. Default 100 ms. */
  watchCoalesceMs?: number;
  /** Watch: how often the job is re-read without a wake-up. Default 1,000 ms. */
  watchPollMs?: number;
  /** Grace for in-flight calls on close(). Default 5,000 ms. */
  closeGraceMs?: number;
  /** Errors of background work (the sweeper). Default: logged (core's createLogger). */
  onBackgroundError?: (err: unknown) => void;
  /** TLS and caller authentication; default none (plaintext). */
  security?: ServerSecurity;
  /**
   * The key that signs write grants (each lease's right to write its job's
   * output for its symbols). Only used when security.auth is set (a grant names
   * the caller); without it no grants are issued and, with security on, heads
   * and shards refuse QCU writes. An HS256 secret (core's generateGrantSecret,
   * the default) is shared with the heads and shards (their --grant-key); of an
   * ES256 key, the public half goes into their JWKS, marked florin_use "grant"
   * (core's grantPublicJwk).
   */
  grantKey?: GrantSigningKey;
}

export interface CoordinatorConfig extends Omit<Required<CoordinatorOptions>, 'limits' | 'security' | 'grantKey'> {
  limits: Limits;
  security: ServerSecurity | undefined;
  grantKey: GrantSigningKey | undefined;
  policy: TaskPolicy;
}

export const COORDINATOR_DEFAULTS = Object.freeze({
  defaultLeaseMs: 30_000,
  minLeaseMs: 100,
  maxLeaseMs: 3_600_000,
  maxWaitMs: 60_000,
  defaultTaskSize: 25,
  defaultMaxAttempts: 3,
  maxAttemptsLimit: 100,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
  maxLeaseExpiries: 5,
  maxSymbolsPerJob: 100_000,
  maxResultBytes: 1024 * 1024,
  maxFinalInputBytes: 32 * 1024 * 1024,
  maxLogLines: 100,
  maxLogLineChars: 2_000,
  sweepIntervalMs: 1_000,
  leasePollMs: 1_000,
  watchCoalesceMs: 100,
  watchPollMs: 1_000,
  closeGraceMs: 5_000,
});

type NumericKey = keyof typeof COORDINATOR_DEFAULTS;

/** Resolves options over the defaults; rejects invalid values with a precise TypeError. */
let backgroundLogger: Logger | undefined;
const backgroundLog = (): Logger => (backgroundLogger ??= createLogger('coordinator'));

export function resolveCoordinatorConfig(options: CoordinatorOptions = {}): CoordinatorConfig {
  const limits = resolveLimits(options.limits);
  const values = { ...COORDINATOR_DEFAULTS } as Record<NumericKey, number>;
  for (const key of Object.keys(COORDINATOR_DEFAULTS) as NumericKey[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`coordinator option ${key} must be a positive integer, got ${String(value)}`);
    values[key] = value;
  }
  for (const key of Object.keys(options)) {
    if (!(key in COORDINATOR_DEFAULTS) && key !== 'limits' && key !== 'onBackgroundError' && key !== 'security' && key !== 'grantKey') throw new TypeError(`unknown coordinator option "${key}"`);
  }
  const order = (low: NumericKey, high: NumericKey): void => {
    if (values[low] > values[high]) throw new TypeError(`coordinator option ${low} (${values[low]}) must not exceed ${high} (${values[high]})`);
  };
  order('minLeaseMs', 'defaultLeaseMs');
  order('defaultLeaseMs', 'maxLeaseMs');
  order('retryBaseMs', 'retryMaxMs');
  order('defaultMaxAttempts', 'maxAttemptsLimit');
  if (values.defaultTaskSize > limits.maxSymbolsPerRequest) {
    throw new TypeError(`coordinator option defaultTaskSize (${values.defaultTaskSize}) must not exceed limits.maxSymbolsPerRequest (${limits.maxSymbolsPerRequest})`);
  }
  if (values.maxFinalInputBytes >= limits.maxMessageBytes) {
    throw new TypeError(`coordinator option maxFinalInputBytes (${values.maxFinalInputBytes}) must be below limits.maxMessageBytes (${limits.maxMessageBytes})`);
  }
  const config = values;
  return {
    ...(config as typeof COORDINATOR_DEFAULTS),
    limits,
    security: options.security,
    grantKey: options.grantKey,
    onBackgroundError: options.onBackgroundError ?? ((err) => backgroundLog().error({ err }, 'background work failed')),
    policy: {
      retryBaseMs: config.retryBaseMs,
      retryMaxMs: config.retryMaxMs,
      maxLeaseExpiries: config.maxLeaseExpiries,
      maxResultBytes: config.maxResultBytes,
      maxFinalInputBytes: config.maxFinalInputBytes,
    },
  };
}

/** The heartbeat interval suggested to workers: a third of the default lease. */
export function heartbeatIntervalMs(config: Pick<CoordinatorConfig, 'defaultLeaseMs'>): number {
  return Math.max(1, Math.floor(config.defaultLeaseMs / 3));
}
