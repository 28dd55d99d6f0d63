import type { ClientSecurity } from '@florin/core';
import type { LoadAddresses, LoadMode } from './load-target.js';
import { LOAD_MODES } from './load-target.js';
import type { LoadUniverse } from './workload.js';

/** Where a run is, for a progress bar. */
export interface LoadProgress {
  /** Requests finished (answered or failed). */
  readonly done: number;
  /** The request bound, or undefined when only `seconds` bounds the run. */
  readonly total: number | undefined;
  readonly errors: number;
  readonly elapsedMs: number;
  /** The time bound in ms, or undefined. */
  readonly limitMs: number | undefined;
}

/**
 * Options of a load test. Every field but `addresses` and `universe` is
 * optional; `resolveLoadTestOptions` fills in the documented defaults and
 * rejects invalid values with a precise message.
 */
export interface LoadTestOptions {
  /** How requests reach the data. Default 'heads'. */
  mode?: LoadMode;
  /** Head and/or shard addresses, loopback only (see connectLoadTarget). */
  addresses: LoadAddresses;
  /** Dataset, fields, symbols and time range the requests draw from. */
  universe: LoadUniverse;
  /** Concurrent simulated QCU clients, each with one request in flight. Default 200. */
  clients?: number;
  /** Distinct symbols per request. Default 10 (capped at the universe size). */
  symbolsPerRequest?: number;
  /** Shortest window, in bars. Default 20 (about a month of daily bars). */
  minWindowBars?: number;
  /** Requests in the run. Default 4000 without `seconds`, unbounded with it. */
  requests?: number;
  /** Stop starting requests after this many seconds. Default: no time bound. */
  seconds?: number;
  /** Workload seed. Default 1. */
  seed?: number;
  /** Deadline of each read, ms. Default 60000. */
  deadlineMs?: number;
  /** Keep the answers of every request i with i % sampleEvery === 0 (for verifyAnswers). Default: keep none. */
  sampleEvery?: number;
  /** Called after every request. */
  onProgress?: (progress: LoadProgress) => void;
  /** TLS trust and token for a secure cluster. Default: plaintext. */
  security?: ClientSecurity;
}

export const LOAD_TEST_DEFAULTS = Object.freeze({
  mode: 'heads',
  clients: 200,
  symbolsPerRequest: 10,
  minWindowBars: 20,
  requests: 4000,
  seed: 1,
  deadlineMs: 60_000,
});

/** Load test options with every default filled in. */
export interface LoadTestConfig {
  readonly mode: LoadMode;
  readonly addresses: LoadAddresses;
  readonly universe: LoadUniverse;
  readonly clients: number;
  readonly symbolsPerRequest: number;
  readonly minWindowBars: number;
  /** Infinity when only `seconds` bounds the run. */
  readonly requests: number;
  readonly seconds: number | undefined;
  readonly seed: number;
  readonly deadlineMs: number;
  readonly sampleEvery: number | undefined;
  readonly onProgress: ((progress: LoadProgress) => void) | undefined;
  readonly security: ClientSecurity | undefined;
}

export function resolveLoadTestOptions(options: LoadTestOptions): LoadTestConfig {
  const d = LOAD_TEST_DEFAULTS;
  const mode = options.mode ?? d.mode;
  if (!LOAD_MODES.includes(mode)) throw new TypeError(`mode must be one of ${LOAD_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  if (!options.universe) throw new TypeError('universe is required: the dataset, fields, symbols and range requests draw from');
  if (!options.addresses) throw new TypeError('addresses is required: { heads } and/or { shards }');
  const seconds = options.seconds === undefined ? undefined : positive('seconds', options.seconds);
  const requests = options.requests ?? (seconds === undefined ? d.requests : Infinity);
  if (requests !== Infinity) positiveInteger('requests', requests);
  return {
    mode,
    addresses: options.addresses,
    universe: options.universe,
    clients: positiveInteger('clients', options.clients ?? d.clients),
    symbolsPerRequest: positiveInteger('symbolsPerRequest', options.symbolsPerRequest ?? d.symbolsPerRequest),
    minWindowBars: positiveInteger('minWindowBars', options.minWindowBars ?? d.minWindowBars),
    requests,
    seconds,
    seed: integer('seed', options.seed ?? d.seed),
    deadlineMs: positiveInteger('deadlineMs', options.deadlineMs ?? d.deadlineMs),
    sampleEvery: options.sampleEvery === undefined ? undefined : positiveInteger('sampleEvery', options.sampleEvery),
    onProgress: options.onProgress,
    security: options.security,
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  return value;
}

function integer(name: string, value: number): number {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${name} must be an integer, got ${String(value)}`);
  return value;
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a number > 0, got ${String(value)}`);
  return value;
}
