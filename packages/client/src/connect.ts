import type { Limits } from '@florin/core';
import { DataClient } from './data-client.js';

export interface ConnectOptions {
  /** Head node addresses (host:port). */
  heads: readonly string[];
  /** Channel limits and the default deadline of every call. Defaults: DEFAULT_LIMITS. */
  limits?: Partial<Limits>;
}

/** The SDK's handle on a Florin cluster. */
export interface FlorinConnection {
  /** Series reads and writes, routed to the owning head node. */
  readonly data: DataClient;
  /** Closes every channel. Idempotent. */
  close(): void;
}

/**
 * Connects to a Florin cluster through its head nodes. Channels connect
 * lazily: an unreachable head surfaces as UNAVAILABLE on the first call that
 * needs it, naming that head.
 */
export function connect(options: ConnectOptions): FlorinConnection {
  const data = new DataClient({ heads: options.heads, limits: options.limits });
  return {
    data,
    close: () => data.close(),
  };
}
