import {
  CreateHttpNamespaceCommand,
  CreateServiceCommand,
  DeregisterInstanceCommand,
  DiscoverInstancesCommand,
  DiscoverInstancesRevisionCommand,
  type HealthStatusFilter,
  ListNamespacesCommand,
  type ListNamespacesCommandOutput,
  ListServicesCommand,
  type ListServicesCommandOutput,
  type NamespaceFilter,
  type NamespaceSummary,
  RegisterInstanceCommand,
  ServiceDiscoveryClient,
} from '@aws-sdk/client-servicediscovery';
import { FlorinError, invalidArgument, notFound, sleep } from '@florin/core';
import { isIP } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { WatchOptions } from './discovery.js';
import { type CommonDiscoveryOptions, DiscoveryBase } from './discovery-base.js';
import { cloudMapError, errorName, isPermanent, isThrottling } from './cloud-map-errors.js';
import { AWS_INSTANCE_IPV4, AWS_INSTANCE_IPV6, AWS_INSTANCE_PORT, DEFAULT_ID_ATTRIBUTES, type InstanceRules, instanceMember } from './cloud-map-instances.js';
import { FLORIN_ID, type Member, type Registration, parseAddress } from './member.js';
import type { RefreshSource, SourceAnswer } from './refresh-source.js';

export interface CloudMapDiscoveryOptions extends CommonDiscoveryOptions {
  /** The namespace's HTTP name (usually its name), e.g. `florin.local`. */
  readonly namespace: string;
  /** Default: AWS_REGION, else us-east-1. */
  readonly region?: string;
  /** An endpoint other than AWS's (a local double). The `data-` host prefix is always disabled for it. */
  readonly endpoint?: string;
  /** The account that owns a namespace shared with this one (DiscoverInstances OwnerAccount). */
  readonly ownerAccount?: string;
  /** Default: the SDK's credential chain. A local endpoint accepts any (e.g. test/test). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Which instances DiscoverInstances returns (default HEALTHY). */
  readonly healthStatus?: HealthStatusFilter;
  /** How often a watch asks DiscoverInstancesRevision (default 5,000 ms, +-10% jitter). */
  readonly pollIntervalMs?: number;
  /**
   * Health changes do not bump the revision: a watch calls DiscoverInstances
   * at least this often anyway (default 60,000 ms; 0 = only when the revision changes).
   */
  readonly fullRefreshMs?: number;
  /** Attributes tried in order for a member's id (default FLORIN_ID, ECS_SERVICE_NAME; else the InstanceId). */
  readonly idAttributes?: readonly string[];
  /** Instances without all of these are skipped as malformed (default none). */
  readonly requiredAttributes?: readonly string[];
  /** Port of instances without AWS_INSTANCE_PORT (default: such instances are malformed). */
  readonly defaultPort?: number;
  /** Per-request timeout (default 5,000 ms). */
  readonly requestTimeoutMs?: number;
  /** Check at start that the namespace exists with ListNamespaces (default true). */
  readonly checkNamespace?: boolean;
}

/**
 * Membership from AWS Cloud Map's API. A watch polls DiscoverInstancesRevision
 * and calls DiscoverInstances only when the revision moved (or every
 * fullRefreshMs, for health changes), so unchanged membership costs one cheap
 * call per poll. Failures and throttling keep the last good answer, back off
 * with full jitter and show in the log and stats(). The SDK retries nothing
 * (maxAttempts 1): the watch's backoff is the retry policy.
 */
export class CloudMapDiscovery extends DiscoveryBase {
  readonly kind = 'cloudmap' as const;
  readonly client: ServiceDiscoveryClient;
  readonly namespace: string;
  readonly ownerAccount: string | undefined;
  private readonly healthStatus: HealthStatusFilter;
  private readonly pollIntervalMs: number;
  private readonly fullRefreshMs: number;
  private readonly rules: InstanceRules;
  private readonly checkNamespace: boolean;
  private namespaceSummary: NamespaceSummary | undefined;
  private readonly serviceIds = new Map<string, string>();

  constructor(options: CloudMapDiscoveryOptions) {
    super(options);
    if (!options.namespace) throw invalidArgument('Cloud Map discovery needs a namespace name');
    if (options.ownerAccount !== undefined && !/^\d{12}$/.test(options.ownerAccount)) {
      throw invalidArgument(`Cloud Map owner account must be a 12-digit AWS account id, got ${JSON.stringify(options.ownerAccount)}`);
    }
    this.namespace = options.namespace;
    this.ownerAccount = options.ownerAccount;
    this.healthStatus = options.healthStatus ?? 'HEALTHY';
    this.pollIntervalMs = positive('pollIntervalMs', options.pollIntervalMs ?? 5_000);
    this.fullRefreshMs = options.fullRefreshMs ?? 60_000;
    if (!(this.fullRefreshMs >= 0)) throw invalidArgument(`Cloud Map fullRefreshMs must be >= 0, got ${options.fullRefreshMs}`);
    this.rules = {
      idAttributes: options.idAttributes ?? DEFAULT_ID_ATTRIBUTES,
      requiredAttributes: options.requiredAttributes ?? [],
      ...(options.defaultPort !== undefined ? { defaultPort: options.defaultPort } : {}),
    };
    this.checkNamespace = options.checkNamespace ?? true;
    this.client = new ServiceDiscoveryClient({
      region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      // DiscoverInstances* go to `data-servicediscovery...` on AWS; a custom endpoint has no such host.
      disableHostPrefix: options.endpoint !== undefined,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: 1,
      requestHandler: { requestTimeout: options.requestTimeoutMs ?? 5_000, connectionTimeout: options.requestTimeoutMs ?? 5_000 },
    });
  }

  /** The namespace as ListNamespaces returned it (after start()). */
  get namespaceInfo(): NamespaceSummary | undefined {
    return this.namespaceSummary;
  }

  protected override async onStart(): Promise<void> {
    if (!this.checkNamespace) return;
    this.namespaceSummary = await this.findNamespace();
  }

  /**
   * Creates the services that do not exist yet (what `florin up` needs; on ECS
   * the CDK app creates them), and with `createNamespace` an HTTP namespace of
   * this name when there is none. Returns name -> service id.
   */
  async ensureServices(names: readonly string[], options: { createNamespace?: boolean } = {}): Promise<Map<string, string>> {
    if (options.createNamespace) await this.ensureNamespace();
    await this.start();
    const ns = this.namespaceSummary ?? (this.namespaceSummary = await this.findNamespace());
    await this.loadServiceIds();
    const out = new Map<string, string>();
    for (const name of names) {
      let id = this.serviceIds.get(name);
      if (!id) {
        this.count('CreateService');
        try {
          const created = await this.client.send(
            new CreateServiceCommand({
              Name: name,
              NamespaceId: ns.Id,
              // In a DNS namespace, an API-only service (no Route 53 records: DNS answers hold at most 8 instances).
              ...(ns.Type !== 'HTTP' ? { Type: 'HTTP' as const } : {}),
              CreatorRequestId: randomUUID(),
              Description: `Florin ${name}`,
            }),
          );
          id = created.Service?.Id;
        } catch (err) {
          if (errorName(err) !== 'ServiceAlreadyExists') throw cloudMapError(err, { operation: 'CreateService', namespace: this.namespace, service: name });
          await this.loadServiceIds();
          id = this.serviceIds.get(name);
        }
        if (!id) throw new FlorinError('UNAVAILABLE', `Cloud Map CreateService of '${name}' returned no service id`);
        this.serviceIds.set(name, id);
        this.log({ level: 'info', service: name, message: `created Cloud Map service '${name}' in namespace '${this.namespace}'` });
      }
      out.set(name, id);
    }
    return out;
  }

  protected source(service: string, options: WatchOptions): RefreshSource {
    let lastFullAt = 0;
    const scope = { namespace: this.namespace, service, ...(this.ownerAccount ? { ownerAccount: this.ownerAccount } : {}) };
    const owner = this.ownerAccount ? { OwnerAccount: this.ownerAccount } : {};
    return {
      refresh: async (previous): Promise<SourceAnswer | 'unchanged'> => {
        const fullDue = this.fullRefreshMs > 0 && Date.now() - lastFullAt >= this.fullRefreshMs;
        if (previous?.sourceRevision !== undefined && !fullDue) {
          this.count('DiscoverInstancesRevision');
          const out = await this.client
            .send(new DiscoverInstancesRevisionCommand({ NamespaceName: this.namespace, ServiceName: service, ...owner }))
            .catch((err: unknown) => Promise.reject(cloudMapError(err, { operation: 'DiscoverInstancesRevision', ...scope })));
          if (out.InstancesRevision === previous.sourceRevision) return 'unchanged';
        }
        this.count('DiscoverInstances');
        const out = await this.client
          .send(
            new DiscoverInstancesCommand({
              NamespaceName: this.namespace,
              ServiceName: service,
              HealthStatus: this.healthStatus,
              MaxResults: 1000,
              ...(options.attributes && Object.keys(options.attributes).length > 0 ? { QueryParameters: { ...options.attributes } } : {}),
              ...owner,
            }),
          )
          .catch((err: unknown) => Promise.reject(cloudMapError(err, { operation: 'DiscoverInstances', ...scope })));
        lastFullAt = Date.now();
        const members: Member[] = [];
        for (const instance of out.Instances ?? []) {
          const m = instanceMember(instance, this.rules);
          if ('malformed' in m) this.skipped(service, m.malformed);
          else members.push(m);
        }
        return { members, ...(out.InstancesRevision !== undefined ? { sourceRevision: out.InstancesRevision } : {}) };
      },
      nextDelayMs: () => Math.max(1, Math.round(this.pollIntervalMs * (0.9 + 0.2 * Math.random()))),
      isPermanent,
      isThrottling: (err) => (err instanceof FlorinError ? err.code === 'RESOURCE_EXHAUSTED' : isThrottling(err)),
    };
  }

  protected async doRegister(r: Registration): Promise<void> {
    const { host, port } = parseAddress(r.address) as { host: string; port: number };
    const family = isIP(host);
    if (family === 0) throw invalidArgument(`Cloud Map needs an IP address to register ${r.service}/${r.id}, got host ${host}`);
    const serviceId = await this.serviceId(r.service);
    this.count('RegisterInstance');
    await this.client
      .send(
        new RegisterInstanceCommand({
          ServiceId: serviceId,
          InstanceId: r.id,
          CreatorRequestId: randomUUID(),
          Attributes: {
            ...r.attributes,
            [FLORIN_ID]: r.id,
            [family === 4 ? AWS_INSTANCE_IPV4 : AWS_INSTANCE_IPV6]: host,
            [AWS_INSTANCE_PORT]: String(port),
          },
        }),
      )
      .catch((err: unknown) => Promise.reject(cloudMapError(err, { operation: 'RegisterInstance', namespace: this.namespace, service: r.service })));
  }

  protected async doDeregister(service: string, id: string): Promise<void> {
    const serviceId = await this.serviceId(service);
    this.count('DeregisterInstance');
    try {
      await this.client.send(new DeregisterInstanceCommand({ ServiceId: serviceId, InstanceId: id }));
    } catch (err) {
      if (errorName(err) === 'InstanceNotFound') return;
      throw cloudMapError(err, { operation: 'DeregisterInstance', namespace: this.namespace, service });
    }
  }

  protected override async onClose(): Promise<void> {
    this.client.destroy();
  }

  private async ensureNamespace(): Promise<void> {
    if (this.ownerAccount) throw invalidArgument(`cannot create namespace '${this.namespace}' in account ${this.ownerAccount}: only its owner can`);
    try {
      this.namespaceSummary = await this.findNamespace();
      return;
    } catch (err) {
      if (!(err instanceof FlorinError && err.code === 'NOT_FOUND')) throw err;
    }
    this.count('CreateHttpNamespace');
    await this.client
      .send(new CreateHttpNamespaceCommand({ Name: this.namespace, CreatorRequestId: randomUUID(), Description: 'Florin' }))
      .catch((err: unknown) => {
        if (errorName(err) !== 'NamespaceAlreadyExists') return Promise.reject(cloudMapError(err, { operation: 'CreateHttpNamespace', namespace: this.namespace }));
        return undefined;
      });
    // Creation is asynchronous on AWS: wait until the namespace is listed.
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        this.namespaceSummary = await this.findNamespace();
        this.log({ level: 'info', message: `created Cloud Map namespace '${this.namespace}'` });
        return;
      } catch (err) {
        if (!(err instanceof FlorinError && err.code === 'NOT_FOUND') || Date.now() > deadline) throw err;
        await sleep(1_000);
      }
    }
  }

  private async findNamespace(): Promise<NamespaceSummary> {
    const filters: NamespaceFilter[] = [{ Name: 'HTTP_NAME', Values: [this.namespace], Condition: 'EQ' }];
    if (this.ownerAccount) filters.push({ Name: 'RESOURCE_OWNER', Values: ['OTHER_ACCOUNTS'], Condition: 'EQ' });
    let token: string | undefined;
    do {
      this.count('ListNamespaces');
      let page: ListNamespacesCommandOutput;
      try {
        page = await this.client.send(new ListNamespacesCommand({ Filters: filters, ...(token ? { NextToken: token } : {}) }));
      } catch (err) {
        throw cloudMapError(err, { operation: 'ListNamespaces', namespace: this.namespace, ...(this.ownerAccount ? { ownerAccount: this.ownerAccount } : {}) });
      }
      const found = (page.Namespaces ?? []).find(
        (ns) => (ns.Properties?.HttpProperties?.HttpName ?? ns.Name) === this.namespace && (!this.ownerAccount || ns.ResourceOwner === this.ownerAccount),
      );
      if (found) return found;
      token = page.NextToken;
    } while (token);
    const owner = this.ownerAccount ? ` owned by account ${this.ownerAccount}` : '';
    throw notFound(`Cloud Map namespace '${this.namespace}'${owner} not found${this.ownerAccount ? ' (is it shared with this account?)' : ''}`);
  }

  private async serviceId(service: string): Promise<string> {
    let id = this.serviceIds.get(service);
    if (id) return id;
    await this.loadServiceIds();
    id = this.serviceIds.get(service);
    if (!id) throw notFound(`Cloud Map service '${service}' not found in namespace '${this.namespace}' (create it first, e.g. with ensureServices)`);
    return id;
  }

  private async loadServiceIds(): Promise<void> {
    const ns = this.namespaceSummary ?? (this.namespaceSummary = await this.findNamespace());
    let token: string | undefined;
    do {
      this.count('ListServices');
      let page: ListServicesCommandOutput;
      try {
        page = await this.client.send(
          new ListServicesCommand({ Filters: [{ Name: 'NAMESPACE_ID', Values: [ns.Id as string], Condition: 'EQ' }], ...(token ? { NextToken: token } : {}) }),
        );
      } catch (err) {
        throw cloudMapError(err, { operation: 'ListServices', namespace: this.namespace });
      }
      for (const s of page.Services ?? []) if (s.Name && s.Id) this.serviceIds.set(s.Name, s.Id);
      token = page.NextToken;
    } while (token);
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw invalidArgument(`Cloud Map ${name} must be > 0, got ${value}`);
  return value;
}
