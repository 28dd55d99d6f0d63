import type { ClientSecurity, Limits } from '@florin/core';
import { MemberSet, memberAddress, type Discovery } from '@florin/discovery';
import { DataClient, type HeadMember } from './data-client.js';
import { JobsClient } from './jobs/jobs-client.js';

export interface ConnectOptions {
  /**
   * The head nodes: addresses (host:port; each head's id is then its address),
   * or `{ id, address }` members carrying the ids the heads were started with,
   * so the SDK sends each key to the head that owns it. Not needed with `discovery`.
   */
  heads?: readonly (string | HeadMember)[];
  /** The coordinator's address (host:port). Without it (and without discovery) the connection has no `jobs`. */
  coordinator?: string;
  /**
   * Find the heads and the coordinator through discovery (Cloud Map, DNS, the
   * local registry of `florin up`) and follow them as they come and go. The
   * connection closes it on close() unless `keepDiscovery`.
   */
  discovery?: Discovery;
  /** Discovery services holding head nodes (default ['heads']). */
  headServices?: readonly string[];
  /** Discovery service holding the coordinator (default 'coordinator'); null for a connection without jobs. */
  coordinatorService?: string | null;
  /** Leave `discovery` open on close() (it is shared with other code). */
  keepDiscovery?: boolean;
  /** Channel limits and the default deadline of every call. Defaults: DEFAULT_LIMITS. */
  limits?: Partial<Limits>;
  /**
   * TLS (the CA that signs the servers; a client certificate for mTLS) and the
   * bearer token every call carries. Default none: plaintext.
   */
  security?: ClientSecurity;
}

/** The SDK's handle on a Florin cluster. */
export interface FlorinConnection {
  /** Series reads and writes, routed to the owning head node. */
  readonly data: DataClient;
  /**
   * Jobs on the coordinator (present when `coordinator` or discovery was
   * given). Its `symbols: 'all'` universes come from data.listSymbols, and its
   * handles' results() read through `data`.
   */
  readonly jobs: JobsClient | undefined;
  /** Resolves once discovery has shown at least one head (at once with static heads); UNAVAILABLE after timeoutMs. */
  ready(timeoutMs?: number): Promise<void>;
  /** Closes every channel (and the discovery it owns). Idempotent. */
  close(): void;
}

/**
 * Connects to a Florin cluster through its head nodes (and its coordinator,
 * when given). Channels connect lazily: an unreachable head or coordinator
 * surfaces as UNAVAILABLE on the first call that needs it, naming it. With
 * `discovery`, calls made before the first answer wait for it within their
 * deadline.
 */
export function connect(options: ConnectOptions): FlorinConnection {
  const { heads, coordinator, limits, discovery, security } = options;
  if (coordinator !== undefined && (typeof coordinator !== 'string' || coordinator.length === 0)) {
    throw new TypeError('connect: coordinator must be a host:port address when given');
  }
  if (!discovery && heads === undefined) throw new TypeError('connect needs heads (addresses) or discovery');
  const sets: MemberSet[] = [];
  const closeAll = (): void => {
    for (const set of sets) set.close();
    if (discovery && !options.keepDiscovery) void discovery.close();
  };
  let data: DataClient | undefined;
  let jobs: JobsClient | undefined;
  try {
    if (heads !== undefined) {
      data = new DataClient({ heads, limits, security });
    } else {
      const headSet = new MemberSet(discovery!, options.headServices ?? ['heads']);
      sets.push(headSet);
      data = new DataClient({ heads: headSet, limits, security });
    }
    const coordinatorService = options.coordinatorService === undefined ? 'coordinator' : options.coordinatorService;
    const target = coordinator ?? (discovery && coordinatorService !== null ? memberAddress(track(sets, new MemberSet(discovery, [coordinatorService]))) : undefined);
    const reader = data;
    if (target !== undefined) jobs = new JobsClient(target, { limits, security, data: reader, resolveUniverse: (dataset, callOptions) => reader.listSymbols(dataset, callOptions) });
  } catch (err) {
    data?.close();
    closeAll();
    throw err;
  }
  const client = data;
  return {
    data: client,
    jobs,
    ready: (timeoutMs) => client.ready(timeoutMs),
    close() {
      jobs?.close();
      client.close();
      closeAll();
    },
  };
}

function track(sets: MemberSet[], set: MemberSet): MemberSet {
  sets.push(set);
  return set;
}
