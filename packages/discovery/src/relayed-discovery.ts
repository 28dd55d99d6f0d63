import { failedPrecondition, invalidArgument } from '@florin/core';
import type { WatchOptions } from './discovery.js';
import { type CommonDiscoveryOptions, DiscoveryBase } from './discovery-base.js';
import { type Member, type Registration, validateAddress, validateMemberId, validateServiceName } from './member.js';
import type { RefreshSource, SourceAnswer } from './refresh-source.js';

/** What a peer relays about one service: its members at a backend revision. */
export interface RelayedMembership {
  readonly service: string;
  readonly sourceRevision: number;
  readonly members: readonly Member[];
}

export interface RelayedDiscoveryOptions extends CommonDiscoveryOptions {
  /** How long a watch without news waits before re-reading the relayed state (default 60,000 ms; accept() wakes watches at once). */
  readonly idleRefreshMs?: number;
}

/**
 * Membership learnt from peers instead of the backend: the head nodes a
 * process already talks to relay what their watchers read from Cloud Map.
 * digest() is the `service -> revision` map to piggyback on answers;
 * accept() takes a peer's membership when its revision is newer than ours,
 * and watches see it at once. Registration is the backend's business.
 */
export class RelayedDiscovery extends DiscoveryBase {
  readonly kind = 'relay' as const;
  private readonly latest = new Map<string, RelayedMembership>();
  private readonly idleRefreshMs: number;

  constructor(options: RelayedDiscoveryOptions = {}) {
    super(options);
    this.idleRefreshMs = options.idleRefreshMs ?? 60_000;
  }

  /** service -> the revision we hold. */
  digest(): Map<string, number> {
    return new Map([...this.latest].map(([s, m]) => [s, m.sourceRevision]));
  }

  /** The services of a peer's digest that are newer than ours (ask that peer for them). */
  newerIn(peerDigest: ReadonlyMap<string, number>): string[] {
    return [...peerDigest].filter(([s, r]) => r > (this.latest.get(s)?.sourceRevision ?? -1)).map(([s]) => s);
  }

  /** Takes a relayed membership if it is newer than what we hold; returns whether it was. */
  accept(relayed: RelayedMembership): boolean {
    validateServiceName(relayed.service);
    if (!Number.isSafeInteger(relayed.sourceRevision)) throw invalidArgument(`relayed revision of ${relayed.service} must be an integer, got ${relayed.sourceRevision}`);
    const held = this.latest.get(relayed.service);
    if (held && held.sourceRevision >= relayed.sourceRevision) return false;
    const members: Member[] = [];
    for (const m of relayed.members) {
      try {
        validateMemberId(m.id);
        validateAddress(m.address);
        members.push({ id: m.id, address: m.address, attributes: { ...m.attributes }, healthy: m.healthy !== false });
      } catch {
        this.skipped(relayed.service, `relayed member ${JSON.stringify(m.id)} at ${JSON.stringify(m.address)}`);
      }
    }
    this.latest.set(relayed.service, { service: relayed.service, sourceRevision: relayed.sourceRevision, members });
    this.pokeService(relayed.service);
    return true;
  }

  protected source(service: string, _options: WatchOptions): RefreshSource {
    return {
      refresh: async (previous): Promise<SourceAnswer | 'unchanged'> => {
        this.count('relay.read');
        const held = this.latest.get(service);
        if (!held) return previous ?? { members: [] };
        if (previous?.sourceRevision === held.sourceRevision) return 'unchanged';
        return { members: held.members, sourceRevision: held.sourceRevision };
      },
      nextDelayMs: () => this.idleRefreshMs,
      isPermanent: () => false,
      isThrottling: () => false,
    };
  }

  protected async doRegister(r: Registration): Promise<void> {
    throw failedPrecondition(`relayed discovery cannot register ${r.service}/${r.id}: register with the backend (Cloud Map, local registry)`);
  }

  protected async doDeregister(service: string, id: string): Promise<void> {
    throw failedPrecondition(`relayed discovery cannot deregister ${service}/${id}: deregister with the backend`);
  }
}
