/** Limits every data-plane server enforces. All are configurable. */
export interface Limits {
  /** Most symbols one read or write may name. */
  maxSymbolsPerRequest: number;
  /** Most points (rows x fields) one read may return or one write may carry. */
  maxPointsPerRequest: number;
  /** Largest gRPC message a server accepts or a channel receives, in bytes. */
  maxMessageBytes: number;
  /** Target size of one streamed chunk of a read, in bytes. */
  chunkBytes: number;
  /** Deadline applied to a call that arrives without one, in ms. */
  defaultDeadlineMs: number;
  /**
   * Most calls one caller (token subject or mTLS identity; the peer address
   * without authentication) may have in progress on one server; more get
   * RESOURCE_EXHAUSTED. Heads calling shards are not limited.
   */
  maxCallerCalls: number;
  /** Most bytes of request messages one caller may have in progress on one server; more get RESOURCE_EXHAUSTED. */
  maxCallerBytes: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxSymbolsPerRequest: 5_000,
  maxPointsPerRequest: 50_000_000,
  maxMessageBytes: 64 * 1024 * 1024,
  chunkBytes: 1024 * 1024,
  defaultDeadlineMs: 60_000,
  maxCallerCalls: 1_000,
  maxCallerBytes: 256 * 1024 * 1024,
});

/** Resolves partial limits over the defaults and rejects invalid values with a precise message. */
export function resolveLimits(options: Partial<Limits> = {}): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(options) as [keyof Limits, number | undefined][]) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_LIMITS)) throw new TypeError(`unknown limit "${key}"`);
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new TypeError(`limit ${key} must be a positive integer, got ${String(value)}`);
    }
    limits[key] = value;
  }
  if (limits.chunkBytes * 2 > limits.maxMessageBytes) {
    throw new TypeError(
      `limit chunkBytes (${limits.chunkBytes}) must be at most half of maxMessageBytes (${limits.maxMessageBytes})`,
    );
  }
  return limits;
}
