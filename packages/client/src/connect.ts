import type { Limits } from '@florin/core';
import { DataClient, type HeadMember } from './data-client.js';
import { JobsClient } from './jobs/jobs-client.js';

export interface ConnectOptions {
  /**
   * The head nodes: addresses (host:port; each head's id is then its address),
   * or `{ id, address }` members carrying the ids the heads were started with,
   * so the SDK sends each key to the head that owns it.
   */
  heads: readonly (string | HeadMember)[];
  /** The coordinator's address (host:port). Without it the connection has no `jobs`. */
  coordinator?: string;
  /** Channel limits and the default deadline of every call. Defaults: DEFAULT_LIMITS. */
  limits?: Partial<Limits>;
}

/** The SDK's handle on a Florin cluster. */
export interface FlorinConnection {
  /** Series reads and writes, routed to the owning head node. */
  readonly data: DataClient;
  /**
   * Jobs on the coordinator (present when `coordinator` was given). Its
   * `symbols: 'all'` universes come from data.listSymbols, and its handles'
   * results() read through `data`.
   */
  readonly jobs: JobsClient | undefined;
  /** Closes every channel. Idempotent. */
  close(): void;
}

/**
 * Connects to a Florin cluster through its head nodes (and its coordinator,
 * when given). Channels connect lazily: an unreachable head or coordinator
 * surfaces as UNAVAILABLE on the first call that needs it, naming it.
 */
export function connect(options: ConnectOptions): FlorinConnection {
  const { heads, coordinator, limits } = options;
  if (coordinator !== undefined && (typeof coordinator !== 'string' || coordinator.length === 0)) {
    throw new TypeError('connect: coordinator must be a host:port address when given');
  }
  const data = new DataClient({ heads, limits });
  let jobs: JobsClient | undefined;
  try {
    if (coordinator !== undefined) {
      jobs = new JobsClient(coordinator, { limits, data, resolveUniverse: (dataset, callOptions) => data.listSymbols(dataset, callOptions) });
    }
  } catch (err) {
    data.close();
    throw err;
  }
  return {
    data,
    jobs,
    close() {
      jobs?.close();
      data.close();
    },
  };
}
