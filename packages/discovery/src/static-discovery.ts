import { invalidArgument, notFound } from '@florin/core';
import type { WatchOptions } from './discovery.js';
import { type CommonDiscoveryOptions, DiscoveryBase } from './discovery-base.js';
import { type Member, type Registration, validateAddress, validateMemberId, validateServiceName } from './member.js';
import type { RefreshSource, SourceAnswer } from './refresh-source.js';

/** A member given in configuration; `id` defaults to its index in the list, `healthy` to true. */
export interface StaticMemberSpec {
  readonly id?: string;
  readonly address: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface StaticDiscoveryOptions extends CommonDiscoveryOptions {
  /** Service name -> its members (plain `host:port` strings or specs). */
  readonly services: Readonly<Record<string, readonly (string | StaticMemberSpec)[]>>;
}

/**
 * Addresses from configuration (what `--head a,b` passes today). Unknown
 * services are NOT_FOUND; register/deregister change this process's view only.
 */
export class StaticDiscovery extends DiscoveryBase {
  readonly kind = 'static' as const;
  private readonly members = new Map<string, Map<string, Member>>();

  constructor(options: StaticDiscoveryOptions) {
    super(options);
    for (const [service, list] of Object.entries(options.services)) {
      validateServiceName(service);
      const byId = new Map<string, Member>();
      list.forEach((entry, index) => {
        const spec: StaticMemberSpec = typeof entry === 'string' ? { address: entry } : entry;
        const id = validateMemberId(spec.id ?? String(index));
        if (byId.has(id)) throw invalidArgument(`static discovery: service ${service} lists member id ${id} twice`);
        byId.set(id, { id, address: validateAddress(spec.address), attributes: { ...spec.attributes }, healthy: true });
      });
      this.members.set(service, byId);
    }
  }

  protected source(service: string, _options: WatchOptions): RefreshSource {
    return {
      refresh: async (): Promise<SourceAnswer> => {
        this.count('static.read');
        const members = this.members.get(service);
        if (!members) throw notFound(`static discovery has no service ${service} (configured: ${[...this.members.keys()].join(', ') || 'none'})`);
        return { members: [...members.values()] };
      },
      // Nothing changes behind our back: refresh rarely; register() pokes the watches.
      nextDelayMs: () => 3_600_000,
      isPermanent: () => true,
      isThrottling: () => false,
    };
  }

  protected async doRegister(r: Registration): Promise<void> {
    let members = this.members.get(r.service);
    if (!members) this.members.set(r.service, (members = new Map<string, Member>()));
    members.set(r.id, { id: r.id, address: r.address, attributes: { ...r.attributes }, healthy: true });
  }

  protected async doDeregister(service: string, id: string): Promise<void> {
    this.members.get(service)?.delete(id);
  }
}
