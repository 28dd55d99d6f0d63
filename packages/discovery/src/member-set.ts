import { unavailable, type AddressSource } from '@florin/core';
import type { Discovery, MembershipWatch, WatchOptions } from './discovery.js';
import type { Member } from './member.js';
import { untilSatisfied } from './until-satisfied.js';

export type MemberSetState = 'watching' | 'closed';

/**
 * The live members of one or more discovery services (the head-node groups,
 * the shards, the coordinator) as one list: healthy members only, one per id
 * (when a replaced task and its successor both show, the one that sorts first
 * by address wins until the old one leaves), sorted by id. Listeners hear every
 * change. Head nodes, QCUs, the SDK and the CLI build their rings, shard maps
 * and channels on it.
 */
export class MemberSet {
  private readonly watches: MembershipWatch[];
  private readonly listeners = new Set<(members: readonly Member[]) => void>();
  private list: readonly Member[] = [];
  private stateValue: MemberSetState = 'watching';

  constructor(
    readonly discovery: Discovery,
    readonly services: readonly string[],
    options: WatchOptions = {},
  ) {
    if (services.length === 0) throw new TypeError('a MemberSet needs at least one service');
    this.watches = services.map((service) => discovery.watch(service, options));
    for (const w of this.watches) w.onChange(() => this.recompute());
    this.recompute();
  }

  get state(): MemberSetState {
    return this.stateValue;
  }

  /** What this set follows, for messages: "discovery service 'heads'". */
  get description(): string {
    return `discovery service${this.services.length > 1 ? 's' : ''} ${this.services.map((s) => `'${s}'`).join(', ')}`;
  }

  members(): readonly Member[] {
    return this.list;
  }

  onChange(listener: (members: readonly Member[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves once every service has answered and at least `minMembers` members
   * (default 1) are known; rejects UNAVAILABLE after timeoutMs naming the
   * services, or with a watch's permanent error (an unknown service).
   */
  async ready(options: { minMembers?: number; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<readonly Member[]> {
    const min = options.minMembers ?? 1;
    await Promise.all(this.watches.map((w) => w.ready({ timeoutMs: options.timeoutMs, signal: options.signal })));
    await untilSatisfied((listener) => this.onChange(listener), () => this.list.length >= min, options, {
      timedOut: () => unavailable(`no ${min > 1 ? `${min} members` : 'member'} of ${this.description} after ${options.timeoutMs} ms`),
      cancelled: () => unavailable(`waiting for members of ${this.description} was cancelled`),
    });
    return this.list;
  }

  /** True when any of the followed services serves its last good answer because the backend fails. */
  get stale(): boolean {
    return this.watches.some((w) => w.current()?.stale === true);
  }

  /** Stops watching. Idempotent. */
  close(): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    for (const w of this.watches) w.close();
    this.listeners.clear();
  }

  private recompute(): void {
    if (this.stateValue === 'closed') return;
    const byId = new Map<string, Member>();
    for (const w of this.watches) {
      for (const m of w.current()?.members ?? []) {
        if (!m.healthy) continue;
        const seen = byId.get(m.id);
        if (!seen || m.address < seen.address) byId.set(m.id, m);
      }
    }
    const next = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (sameIdsAndAddresses(next, this.list)) return;
    this.list = Object.freeze(next);
    for (const listener of [...this.listeners]) listener(this.list);
  }
}

function sameIdsAndAddresses(a: readonly Member[], b: readonly Member[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Member;
    const y = b[i] as Member;
    if (x.id !== y.id || x.address !== y.address) return false;
    const xs = JSON.stringify(x.attributes);
    if (xs !== JSON.stringify(y.attributes)) return false;
  }
  return true;
}

/**
 * The address of a one-member service (the coordinator) as an AddressSource:
 * the first member of the set; channels built on it follow a replacement.
 */
export function memberAddress(set: MemberSet): AddressSource {
  return {
    description: set.description,
    current: () => set.members()[0]?.address,
    onChange: (listener) => set.onChange((members) => listener(members[0]?.address)),
  };
}
