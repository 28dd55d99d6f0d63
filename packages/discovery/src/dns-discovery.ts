import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { failedPrecondition, hostPort, invalidArgument } from '@florin/core';
import type { WatchOptions } from './discovery.js';
import { type CommonDiscoveryOptions, DiscoveryBase } from './discovery-base.js';
import type { Member, Registration } from './member.js';
import type { RefreshSource, SourceAnswer } from './refresh-source.js';

export interface DnsDiscoveryOptions extends CommonDiscoveryOptions {
  /** `srv`: SRV records give target and port; `a`: A records give hosts, all on `port`. */
  readonly mode: 'srv' | 'a';
  /** The port of every member in `a` mode. */
  readonly port?: number;
  /** DNS servers (`ip` or `ip:port`); default: the system's. */
  readonly servers?: readonly string[];
  /** The name queried for a service (default `<service>.<domain>`, or the service itself without a domain). */
  readonly domain?: string;
  readonly name?: (service: string) => string;
  /** Bounds of the refresh interval taken from record TTLs (default 1,000 ms .. 60,000 ms). */
  readonly minRefreshMs?: number;
  readonly maxRefreshMs?: number;
  /**
   * node:dns does not report an SRV record's TTL: SRV answers are refreshed at
   * the smallest TTL of their targets' A records, but at least this often (default 10,000 ms).
   */
  readonly srvRefreshMs?: number;
  /** Per-query timeout (default 2,000 ms, 2 tries). */
  readonly timeoutMs?: number;
}

const EMPTY_CODES: ReadonlySet<string> = new Set([dns.NOTFOUND, dns.NODATA]);

/**
 * Members from DNS: SRV records (Cloud Map's SRV services name each target
 * `<instance-id>.<service>.<namespace>`, so the first label is the member id)
 * or A records and a known port (the id is the address). Re-resolved on the
 * records' TTL. DNS carries no attributes, answers hold at most 8 records for
 * Cloud Map, and registration belongs to whoever owns the zone.
 */
export class DnsDiscovery extends DiscoveryBase {
  readonly kind = 'dns' as const;
  private readonly resolver: dns.Resolver;
  private readonly options: DnsDiscoveryOptions;
  private readonly minRefreshMs: number;
  private readonly maxRefreshMs: number;
  private readonly srvRefreshMs: number;

  constructor(options: DnsDiscoveryOptions) {
    super(options);
    if (options.mode !== 'srv' && options.mode !== 'a') throw invalidArgument(`dns discovery mode must be 'srv' or 'a', got ${String(options.mode)}`);
    if (options.mode === 'a' && !(Number.isInteger(options.port) && (options.port as number) > 0 && (options.port as number) < 65536)) {
      throw invalidArgument(`dns discovery in 'a' mode needs the members' port (1-65535), got ${String(options.port)}`);
    }
    this.options = options;
    this.minRefreshMs = options.minRefreshMs ?? 1_000;
    this.maxRefreshMs = options.maxRefreshMs ?? 60_000;
    this.srvRefreshMs = options.srvRefreshMs ?? 10_000;
    if (this.minRefreshMs > this.maxRefreshMs) throw invalidArgument(`dns discovery minRefreshMs (${this.minRefreshMs}) exceeds maxRefreshMs (${this.maxRefreshMs})`);
    this.resolver = new dns.Resolver({ timeout: options.timeoutMs ?? 2_000, tries: 2 });
    if (options.servers?.length) this.resolver.setServers([...options.servers]);
  }

  nameOf(service: string): string {
    if (this.options.name) return this.options.name(service);
    return this.options.domain ? `${service}.${this.options.domain}` : service;
  }

  protected source(service: string, _options: WatchOptions): RefreshSource {
    const name = this.nameOf(service);
    return {
      refresh: () => (this.options.mode === 'srv' ? this.resolveSrv(service, name) : this.resolveA(name, this.options.port as number)),
      nextDelayMs: (answer) => answer.refreshInMs ?? this.maxRefreshMs,
      isPermanent: () => false,
      isThrottling: () => false,
    };
  }

  private clampTtl(ttlSeconds: number): number {
    return Math.min(this.maxRefreshMs, Math.max(this.minRefreshMs, ttlSeconds * 1000));
  }

  private async resolveA(name: string, port: number): Promise<SourceAnswer> {
    const records = await this.query(() => this.resolver.resolve4(name, { ttl: true }), 'dns.A');
    if (records.length === 0) return { members: [], refreshInMs: this.minRefreshMs };
    const members: Member[] = records.map((r) => {
      const address = hostPort(r.address, port);
      return { id: address, address, attributes: { DNS_NAME: name }, healthy: true };
    });
    return { members, refreshInMs: this.clampTtl(Math.min(...records.map((r) => r.ttl))) };
  }

  private async resolveSrv(service: string, name: string): Promise<SourceAnswer> {
    const records = await this.query(() => this.resolver.resolveSrv(name), 'dns.SRV');
    if (records.length === 0) return { members: [], refreshInMs: this.minRefreshMs };
    let refreshInMs = this.srvRefreshMs;
    const members: Member[] = [];
    for (const srv of records) {
      let ip: string | undefined = isIP(srv.name) ? srv.name : undefined;
      if (!ip) {
        const a = await this.query(() => this.resolver.resolve4(srv.name, { ttl: true }), 'dns.A');
        if (a[0]) {
          ip = a[0].address;
          refreshInMs = Math.min(refreshInMs, this.clampTtl(a[0].ttl));
        }
      }
      if (!ip || !(srv.port > 0)) {
        this.skipped(service, `SRV record ${srv.name}:${srv.port} (no address for its target or port 0)`);
        continue;
      }
      members.push({
        id: srv.name.split('.')[0] as string,
        address: hostPort(ip, srv.port),
        attributes: { DNS_NAME: name, SRV_TARGET: srv.name, SRV_PRIORITY: String(srv.priority), SRV_WEIGHT: String(srv.weight) },
        healthy: true,
      });
    }
    return { members, refreshInMs: Math.max(this.minRefreshMs, refreshInMs) };
  }

  /** NXDOMAIN and no-data are an empty answer, not a failure. */
  private async query<T>(run: () => Promise<T[]>, operation: string): Promise<T[]> {
    this.count(operation);
    try {
      return await run();
    } catch (err) {
      if (EMPTY_CODES.has((err as NodeJS.ErrnoException).code ?? '')) return [];
      throw err;
    }
  }

  protected async doRegister(r: Registration): Promise<void> {
    throw failedPrecondition(`dns discovery cannot register ${r.service}/${r.id}: records belong to the zone's owner (Cloud Map or ECS registers them)`);
  }

  protected async doDeregister(service: string, id: string): Promise<void> {
    throw failedPrecondition(`dns discovery cannot deregister ${service}/${id}: records belong to the zone's owner`);
  }

  protected override async onClose(): Promise<void> {
    this.resolver.cancel();
  }
}
