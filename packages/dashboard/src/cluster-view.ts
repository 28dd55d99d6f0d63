import { checkHealth, FlorinError, type ClientSecurity } from '@florin/core';
import { HeadClient, type HeadStats } from '@florin/client';
import { FLORIN_ROLE, FLORIN_STARTED_MS, FLORIN_VERSION, type Discovery, type Member, type MembershipWatch } from '@florin/discovery';
import type { MemberHealth, MemberView, MembersPage, HeadView } from './views.js';

/** How long a probe (health or stats) of one member may take. */
const PROBE_TIMEOUT_MS = 1_500;
/** A head's stats sample older than this is not used for rates. */
const RATE_WINDOW_MS = 60_000;

interface ServiceRef {
  service: string;
  role: string;
}

/**
 * The cluster as discovery shows it: every member of the followed services
 * (heads, shards, coordinator), paged, and for the members of the asked page
 * a health probe and, for head nodes, their stats with rates computed from the
 * previous sample of the same head. Only the page asked for is probed, so a
 * page costs the same with 5 members or 5,000.
 */
export class ClusterView {
  private readonly watches: { ref: ServiceRef; watch: MembershipWatch }[];
  private readonly headClients = new Map<string, HeadClient>();
  private readonly samples = new Map<string, { atMs: number; stats: HeadStats }>();

  constructor(
    discovery: Discovery,
    services: readonly ServiceRef[],
    private readonly now: () => number = Date.now,
    /** TLS (and token) of the probes: the cluster's, when it is secure. */
    private readonly security?: ClientSecurity,
  ) {
    this.watches = services.map((ref) => ({ ref, watch: discovery.watch(ref.service) }));
  }

  /** Calls `listener` when any followed service's member list changes. Returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    const offs = this.watches.map((w) => w.watch.onChange(() => listener()));
    return () => offs.forEach((off) => off());
  }

  /** Every member, sorted by role then id. */
  members(): { member: Member; ref: ServiceRef }[] {
    const all: { member: Member; ref: ServiceRef }[] = [];
    for (const { ref, watch } of this.watches) for (const member of watch.current()?.members ?? []) all.push({ member, ref });
    return all.sort((a, b) => roleOf(a).localeCompare(roleOf(b)) || a.member.id.localeCompare(b.member.id, 'en', { numeric: true }));
  }

  async page(options: { offset: number; limit: number; role?: string }): Promise<MembersPage> {
    const all = this.members();
    const counts: Record<string, { members: number; healthy: number }> = {};
    for (const m of all) {
      const c = (counts[roleOf(m)] ??= { members: 0, healthy: 0 });
      c.members++;
      if (m.member.healthy) c.healthy++;
    }
    const filtered = options.role ? all.filter((m) => roleOf(m) === options.role) : all;
    const slice = filtered.slice(options.offset, options.offset + options.limit);
    const members = await Promise.all(slice.map((m) => this.view(m.member, roleOf(m), m.ref.service)));
    this.forgetGone(all);
    return { total: filtered.length, offset: options.offset, roles: counts, members };
  }

  /** Closes the channels and drops the samples of heads no longer in discovery. */
  private forgetGone(all: readonly { member: Member }[]): void {
    const addresses = new Set(all.map((m) => m.member.address));
    for (const [address, client] of this.headClients) {
      if (addresses.has(address)) continue;
      client.close();
      this.headClients.delete(address);
    }
    const keys = new Set(all.map((m) => `${m.member.id}@${m.member.address}`));
    for (const key of this.samples.keys()) if (!keys.has(key)) this.samples.delete(key);
  }

  /** Closes the watches and head channels. Idempotent. */
  close(): void {
    for (const { watch } of this.watches) watch.close();
    for (const client of this.headClients.values()) client.close();
    this.headClients.clear();
  }

  private async view(member: Member, role: string, service: string): Promise<MemberView> {
    const startedMs = Number(member.attributes[FLORIN_STARTED_MS] ?? NaN);
    const base = {
      id: member.id,
      service,
      role,
      address: member.address,
      version: member.attributes[FLORIN_VERSION] ?? '',
      startedMs: Number.isFinite(startedMs) ? startedMs : null,
      uptimeMs: Number.isFinite(startedMs) ? Math.max(0, this.now() - startedMs) : null,
    };
    if (!member.healthy) return { ...base, health: 'unhealthy', head: null };
    if (role === 'head') {
      try {
        return { ...base, health: 'serving', head: await this.headView(member) };
      } catch (err) {
        return { ...base, health: healthOfError(err), head: null };
      }
    }
    return { ...base, health: await this.probe(member.address), head: null };
  }

  private async probe(address: string): Promise<MemberHealth> {
    try {
      return (await checkHealth(address, { timeoutMs: PROBE_TIMEOUT_MS, security: this.security })) === 'SERVING' ? 'serving' : 'not_serving';
    } catch (err) {
      return healthOfError(err);
    }
  }

  private async headView(member: Member): Promise<HeadView> {
    let client = this.headClients.get(member.address);
    if (!client) {
      client = new HeadClient(member.address, { security: this.security });
      this.headClients.set(member.address, client);
    }
    const stats = await client.stats({ deadlineMs: PROBE_TIMEOUT_MS });
    const atMs = this.now();
    const key = `${member.id}@${member.address}`;
    const previous = this.samples.get(key);
    this.samples.set(key, { atMs, stats });
    let requestsPerSec: number | null = null;
    if (previous && atMs - previous.atMs > 0 && atMs - previous.atMs < RATE_WINDOW_MS && stats.requests >= previous.stats.requests) {
      requestsPerSec = ((stats.requests - previous.stats.requests) * 1000) / (atMs - previous.atMs);
    }
    const lookups = stats.cacheHits + stats.cachePartialHits + stats.cacheMisses;
    return {
      nodeId: stats.nodeId,
      requests: stats.requests,
      requestsPerSec,
      readP50Ms: stats.readP50Ms,
      readP99Ms: stats.readP99Ms,
      hitRatio: lookups > 0 ? stats.cacheHits / lookups : null,
      // Upstream amplification as a head can know it: points fetched from the shards per point served (below 1: reuse).
      amplification: stats.pointsServed > 0 ? stats.upstreamPoints / stats.pointsServed : null,
      cacheBytes: stats.cacheBytes,
      cacheMaxBytes: stats.cacheMaxBytes,
      cacheEntries: stats.cacheEntries,
      evictions: stats.evictions,
      peerReads: stats.peerReads,
      upstreamFailures: stats.upstreamFailures,
    };
  }
}

function roleOf(m: { member: Member; ref: ServiceRef }): string {
  return m.member.attributes[FLORIN_ROLE] || m.ref.role;
}

function healthOfError(err: unknown): MemberHealth {
  return err instanceof FlorinError && err.code === 'DEADLINE_EXCEEDED' ? 'timeout' : 'unreachable';
}
