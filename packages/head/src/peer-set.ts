import { HeadRing, unavailable, type ClientSecurity, type Limits } from '@florin/core';
import type { HeadMember, HeadMembership } from './membership.js';
import { PeerClient } from './peer-client.js';

/**
 * The other heads as this head sees them: the ownership ring over the member
 * ids (HeadRing) and one PeerClient per other member, kept in step with the
 * membership. With no members, or only this head, this head owns every key.
 */
export class PeerSet {
  private ring: HeadRing | undefined;
  private readonly clients = new Map<string, PeerClient>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly membership: HeadMembership,
    private readonly limits: Partial<Limits>,
    /** Runs after every membership change, once the new ring is in place. */
    private readonly onChange: () => void,
    private readonly security?: ClientSecurity,
  ) {
    this.apply(membership.members());
    this.unsubscribe = membership.onChange((members) => {
      if (this.closed) return;
      this.apply(members);
      this.onChange();
    });
  }

  get selfId(): string {
    return this.membership.selfId;
  }

  /** True when other heads exist: reads and writes may have to be split by owner. */
  get distributed(): boolean {
    return this.ring !== undefined;
  }

  /** The id of the head that owns `key` (a seriesKey). */
  ownerOfKey(key: string): string {
    return this.ring ? this.ring.ownerOfKey(key) : this.selfId;
  }

  /** True when this head owns `key` (a seriesKey). */
  owns(key: string): boolean {
    return this.ownerOfKey(key) === this.selfId;
  }

  /** The client of member `id` (never this head itself). */
  client(id: string): PeerClient {
    const c = this.clients.get(id);
    if (!c) throw new Error(`head ${id} is not a member`);
    return c;
  }

  /**
   * The current client of member `id`, for one attempt of a peer call: after a
   * membership change it is the replacement's (the old client is closed); a
   * member that left is UNAVAILABLE, so the call is retried, then served from the shards.
   */
  currentClient(id: string): PeerClient {
    const c = this.clients.get(id);
    if (!c) throw unavailable(`head ${id} left the membership`);
    return c;
  }

  /** Stops following the membership and closes every peer client. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  private apply(members: readonly HeadMember[]): void {
    const self = this.selfId;
    const others = members.filter((m) => m.id !== self);
    this.ring = others.length === 0 ? undefined : new HeadRing(members.map((m) => m.id));
    const wanted = new Map(others.map((m) => [m.id, m.address]));
    for (const [id, client] of this.clients) {
      if (wanted.get(id) === client.address) continue;
      client.close();
      this.clients.delete(id);
    }
    for (const [id, address] of wanted) if (!this.clients.has(id)) this.clients.set(id, new PeerClient(self, address, this.limits, this.security));
  }
}
