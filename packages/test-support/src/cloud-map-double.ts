import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ApiError, initialHealth, namespaceJson, serviceJson, str, type DoubleNamespace, type DoubleService, type Health } from './cloud-map-model.js';

/**
 * A local AWS Cloud Map at the wire level: a node:http server speaking the AWS
 * JSON 1.1 protocol (`POST /`, `X-Amz-Target: Route53AutoNaming_v20170314.<Op>`,
 * `Content-Type: application/x-amz-json-1.1`, errors as `{"__type", "Message"}`)
 * for the operations Florin uses, over a real in-memory registry whose
 * per-service InstancesRevision bumps on every register/deregister (not on
 * health changes, as on AWS). Signatures are not checked (any credentials
 * do), but each request's Authorization header is recorded. Faults can be
 * injected: throttling and 5xx for a while.
 */

const TARGET_PREFIX = 'Route53AutoNaming_v20170314.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** One request the double answered. */
export interface CloudMapRequest {
  readonly operation: string;
  readonly host: string;
  readonly authorization: string | undefined;
  readonly body: Record<string, unknown>;
  /** HTTP status answered. */
  readonly status: number;
}

export interface CloudMapFault {
  /** `throttle`: HTTP 400 ThrottlingException (or 429 RequestLimitExceeded with `type`); `error`: a 5xx. */
  readonly kind: 'throttle' | 'error';
  /** Until when (ms since epoch). */
  readonly until: number;
  readonly status?: number;
  readonly type?: string;
  /** Only these operations (default: all). */
  readonly operations?: readonly string[];
}

export interface CloudMapDoubleOptions {
  readonly host?: string;
  readonly port?: number;
  /** The account the caller is in (owner of namespaces created without one). Default 111111111111. */
  readonly account?: string;
  /** Namespaces to create at start (HTTP namespaces owned by the caller's account). */
  readonly namespaces?: readonly string[];
}

export class CloudMapDouble {
  readonly account: string;
  private readonly namespaces = new Map<string, DoubleNamespace>();
  private readonly callCounts = new Map<string, number>();
  private readonly log: CloudMapRequest[] = [];
  private faults: CloudMapFault[] = [];
  private server: Server | undefined;
  private urlValue = '';
  private seq = 0;
  private closing: Promise<void> | undefined;

  private constructor(options: CloudMapDoubleOptions) {
    this.account = options.account ?? '111111111111';
  }

  /** Starts the double on 127.0.0.1 (port 0 unless given). */
  static async start(options: CloudMapDoubleOptions = {}): Promise<CloudMapDouble> {
    const double = new CloudMapDouble(options);
    for (const ns of options.namespaces ?? []) double.createNamespace(ns);
    const server = createServer((req, res) => void double.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    double.server = server;
    const { address, port } = server.address() as AddressInfo;
    double.urlValue = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
    return double;
  }

  /** `http://127.0.0.1:<port>`: the endpoint to give the SDK. */
  get url(): string {
    return this.urlValue;
  }

  // ---- direct access for tests (no HTTP) ----

  createNamespace(name: string, options: { owner?: string; type?: DoubleNamespace['type'] } = {}): string {
    const owner = options.owner ?? this.account;
    const existing = [...this.namespaces.values()].find((n) => n.name === name && n.owner === owner);
    if (existing) return existing.id;
    const id = `ns-${this.nextId()}`;
    this.namespaces.set(id, { id, arn: `arn:aws:servicediscovery:us-east-1:${owner}:namespace/${id}`, name, httpName: name, type: options.type ?? 'HTTP', owner, services: new Map() });
    return id;
  }

  createService(namespace: string, name: string, options: { owner?: string; healthCheck?: boolean } = {}): string {
    const ns = this.namespaceNamed(namespace, options.owner ?? this.account);
    return this.addService(ns, name, options.healthCheck ?? false).id;
  }

  /** Puts an instance as is (no validation: tests use it for malformed instances). */
  putInstance(namespace: string, service: string, instanceId: string, attributes: Record<string, string>, options: { owner?: string; health?: Health } = {}): void {
    const svc = this.serviceNamed(namespace, service, options.owner);
    const existing = svc.instances.get(instanceId);
    svc.instances.set(instanceId, { attributes: { ...attributes }, health: options.health ?? existing?.health ?? initialHealth(attributes) });
    svc.revision++;
  }

  removeInstance(namespace: string, service: string, instanceId: string, options: { owner?: string } = {}): boolean {
    const svc = this.serviceNamed(namespace, service, options.owner);
    const removed = svc.instances.delete(instanceId);
    if (removed) svc.revision++;
    return removed;
  }

  /** Changes an instance's health; like AWS, does not bump the revision. */
  setHealth(namespace: string, service: string, instanceId: string, health: Health, options: { owner?: string } = {}): void {
    const inst = this.serviceNamed(namespace, service, options.owner).instances.get(instanceId);
    if (!inst) throw new Error(`no instance ${instanceId} in ${namespace}/${service}`);
    inst.health = health;
  }

  instanceIds(namespace: string, service: string, options: { owner?: string } = {}): string[] {
    return [...this.serviceNamed(namespace, service, options.owner).instances.keys()].sort();
  }

  revision(namespace: string, service: string, options: { owner?: string } = {}): number {
    return this.serviceNamed(namespace, service, options.owner).revision;
  }

  /** Throttles every request (or those of `operations`) for `ms`. */
  throttle(ms: number, options: { type?: 'ThrottlingException' | 'RequestLimitExceeded'; operations?: readonly string[] } = {}): void {
    const type = options.type ?? 'ThrottlingException';
    this.faults.push({ kind: 'throttle', until: Date.now() + ms, type, status: type === 'RequestLimitExceeded' ? 429 : 400, ...(options.operations ? { operations: options.operations } : {}) });
  }

  /** Answers 5xx (default 500 InternalFailure) to every request (or those of `operations`) for `ms`. */
  fail(ms: number, options: { status?: number; operations?: readonly string[] } = {}): void {
    const status = options.status ?? 500;
    this.faults.push({ kind: 'error', until: Date.now() + ms, status, type: status === 503 ? 'ServiceUnavailable' : 'InternalFailure', ...(options.operations ? { operations: options.operations } : {}) });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Requests answered per operation since start (or resetCalls). */
  calls(operation: string): number {
    return this.callCounts.get(operation) ?? 0;
  }

  resetCalls(): void {
    this.callCounts.clear();
    this.log.length = 0;
  }

  /** The last 1,000 requests answered. */
  requests(): readonly CloudMapRequest[] {
    return [...this.log];
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  // ---- the wire ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target || '(none)';
    let body: Record<string, unknown> = {};
    let status = 200;
    let payload: unknown;
    try {
      if (req.method !== 'POST' || req.url !== '/') throw new ApiError('UnknownOperationException', `expected POST /, got ${req.method} ${req.url}`, 404);
      if (!target.startsWith(TARGET_PREFIX)) throw new ApiError('UnknownOperationException', `missing or foreign X-Amz-Target ${JSON.stringify(target)}`);
      if (!String(req.headers['content-type'] ?? '').startsWith(CONTENT_TYPE)) throw new ApiError('SerializationException', `expected Content-Type ${CONTENT_TYPE}`);
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        throw new ApiError('SerializationException', 'request body is not JSON');
      }
      this.callCounts.set(operation, (this.callCounts.get(operation) ?? 0) + 1);
      const fault = this.activeFault(operation);
      if (fault) throw new ApiError(fault.type ?? 'InternalFailure', fault.kind === 'throttle' ? 'Rate exceeded' : 'We encountered an internal error. Please try again.', fault.status ?? 500);
      payload = this.dispatch(operation, body);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError('InternalFailure', String(err), 500);
      status = e.status;
      payload = { __type: e.type, Message: e.message };
    }
    this.log.push({ operation, host: String(req.headers.host ?? ''), authorization: req.headers.authorization, body, status });
    if (this.log.length > 1000) this.log.shift();
    const out = JSON.stringify(payload);
    res.writeHead(status, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(out), 'x-amzn-RequestId': randomUUID() });
    res.end(out);
  }

  private activeFault(operation: string): CloudMapFault | undefined {
    const now = Date.now();
    this.faults = this.faults.filter((f) => f.until > now);
    return this.faults.find((f) => !f.operations || f.operations.includes(operation));
  }

  private dispatch(op: string, b: Record<string, unknown>): unknown {
    switch (op) {
      case 'DiscoverInstances':
        return this.discoverInstances(b);
      case 'DiscoverInstancesRevision': {
        const svc = this.discoverTarget(b);
        return { InstancesRevision: svc.revision };
      }
      case 'ListNamespaces':
        return { Namespaces: this.listNamespaces(b).map((n) => namespaceJson(n)) };
      case 'GetNamespace':
        return { Namespace: namespaceJson(this.namespaceById(str(b, 'Id'))) };
      case 'CreateHttpNamespace': {
        this.createNamespace(str(b, 'Name'));
        return { OperationId: this.operationId() };
      }
      case 'ListServices':
        return { Services: this.listServices(b).map((s) => serviceJson(s)) };
      case 'GetService':
        return { Service: serviceJson(this.serviceById(str(b, 'Id'))) };
      case 'CreateService': {
        const ns = this.namespaceById(str(b, 'NamespaceId'));
        return { Service: serviceJson(this.addService(ns, str(b, 'Name'), b.HealthCheckCustomConfig !== undefined, true)) };
      }
      case 'RegisterInstance':
        return this.registerInstance(b);
      case 'DeregisterInstance': {
        const svc = this.serviceById(str(b, 'ServiceId'));
        const id = str(b, 'InstanceId');
        if (!svc.instances.delete(id)) throw new ApiError('InstanceNotFound', `No instance found with id ${id}`);
        svc.revision++;
        return { OperationId: this.operationId() };
      }
      case 'GetOperation':
        return { Operation: { Id: str(b, 'OperationId'), Status: 'SUCCESS' } };
      case 'UpdateInstanceCustomHealthStatus': {
        const svc = this.serviceById(str(b, 'ServiceId'));
        const inst = svc.instances.get(str(b, 'InstanceId'));
        if (!inst) throw new ApiError('InstanceNotFound', `No instance found with id ${str(b, 'InstanceId')}`);
        if (!svc.healthCheck) throw new ApiError('CustomHealthNotFound', `service ${svc.id} has no custom health check`);
        const status = str(b, 'Status');
        if (status !== 'HEALTHY' && status !== 'UNHEALTHY') throw new ApiError('InvalidInput', `Status must be HEALTHY or UNHEALTHY`);
        inst.health = status;
        return {};
      }
      default:
        throw new ApiError('UnknownOperationException', `the Cloud Map double does not implement ${op}`);
    }
  }

  private discoverInstances(b: Record<string, unknown>): unknown {
    const svc = this.discoverTarget(b);
    const ns = this.namespaceById(svc.namespaceId);
    const query = (b.QueryParameters ?? {}) as Record<string, string>;
    const filter = (b.HealthStatus as string | undefined) ?? 'HEALTHY';
    const max = b.MaxResults === undefined ? 100 : Number(b.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > 1000) throw new ApiError('InvalidInput', `MaxResults must be 1..1000`);
    if (!['HEALTHY', 'UNHEALTHY', 'ALL', 'HEALTHY_OR_ELSE_ALL'].includes(filter)) throw new ApiError('InvalidInput', `bad HealthStatus ${filter}`);
    let found = [...svc.instances.entries()].filter(([, i]) => Object.entries(query).every(([k, v]) => i.attributes[k] === v));
    if (svc.healthCheck) {
      const healthy = found.filter(([, i]) => i.health === 'HEALTHY');
      if (filter === 'HEALTHY') found = healthy;
      else if (filter === 'UNHEALTHY') found = found.filter(([, i]) => i.health === 'UNHEALTHY');
      else if (filter === 'HEALTHY_OR_ELSE_ALL' && healthy.length > 0) found = healthy;
    }
    // "DiscoverInstances returns a randomized list of instances".
    for (let i = found.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [found[i], found[j]] = [found[j] as (typeof found)[number], found[i] as (typeof found)[number]];
    }
    return {
      Instances: found.slice(0, max).map(([id, i]) => ({
        InstanceId: id,
        NamespaceName: ns.httpName,
        ServiceName: svc.name,
        HealthStatus: svc.healthCheck ? i.health : 'UNKNOWN',
        Attributes: { ...i.attributes },
      })),
      InstancesRevision: svc.revision,
    };
  }

  private discoverTarget(b: Record<string, unknown>): DoubleService {
    const nsName = str(b, 'NamespaceName');
    const serviceName = str(b, 'ServiceName');
    const owner = (b.OwnerAccount as string | undefined) ?? this.account;
    const ns = [...this.namespaces.values()].find((n) => n.httpName === nsName && n.owner === owner);
    if (!ns) throw new ApiError('NamespaceNotFound', `No namespace exists with name: ${nsName}`);
    const svc = ns.services.get(serviceName);
    if (!svc) throw new ApiError('ServiceNotFound', `No service exists with name: ${serviceName}`);
    return svc;
  }

  private registerInstance(b: Record<string, unknown>): unknown {
    const svc = this.serviceById(str(b, 'ServiceId'));
    const id = str(b, 'InstanceId');
    if (id.length > 64) throw new ApiError('InvalidInput', 'InstanceId is longer than 64 characters');
    const attributes = b.Attributes as Record<string, unknown> | undefined;
    if (!attributes || typeof attributes !== 'object') throw new ApiError('InvalidInput', 'Attributes is required');
    if (Object.values(attributes).some((v) => typeof v !== 'string')) throw new ApiError('InvalidInput', 'attribute values must be strings');
    const attrs = attributes as Record<string, string>;
    if (Object.keys(attrs).filter((k) => !k.startsWith('AWS_')).length > 30) throw new ApiError('InvalidInput', 'more than 30 custom attributes');
    const existing = svc.instances.get(id);
    svc.instances.set(id, { attributes: { ...attrs }, health: existing?.health ?? initialHealth(attrs) });
    svc.revision++;
    return { OperationId: this.operationId() };
  }

  private listNamespaces(b: Record<string, unknown>): DoubleNamespace[] {
    const filters = (b.Filters ?? []) as { Name: string; Values: string[]; Condition?: string }[];
    let list = [...this.namespaces.values()];
    const ownerFilter = filters.find((f) => f.Name === 'RESOURCE_OWNER');
    const wantOthers = ownerFilter?.Values.includes('OTHER_ACCOUNTS') ?? false;
    list = list.filter((n) => (wantOthers ? n.owner !== this.account : n.owner === this.account));
    for (const f of filters) {
      const pick = f.Name === 'NAME' ? (n: DoubleNamespace) => n.name : f.Name === 'HTTP_NAME' ? (n: DoubleNamespace) => n.httpName : f.Name === 'TYPE' ? (n: DoubleNamespace) => n.type : undefined;
      if (!pick) continue;
      const cond = f.Condition ?? 'EQ';
      list = list.filter((n) => (cond === 'BEGINS_WITH' ? f.Values.some((v) => pick(n).startsWith(v)) : f.Values.includes(pick(n))));
    }
    return list;
  }

  private listServices(b: Record<string, unknown>): DoubleService[] {
    const filters = (b.Filters ?? []) as { Name: string; Values: string[] }[];
    const nsFilter = filters.find((f) => f.Name === 'NAMESPACE_ID');
    const namespaces = [...this.namespaces.values()].filter((n) => (nsFilter ? nsFilter.Values.includes(n.id) : n.owner === this.account));
    return namespaces.flatMap((n) => [...n.services.values()]);
  }

  private addService(ns: DoubleNamespace, name: string, healthCheck: boolean, viaApi = false): DoubleService {
    const existing = ns.services.get(name);
    if (existing) {
      if (viaApi) throw new ApiError('ServiceAlreadyExists', `Service ${name} already exists in namespace ${ns.id}`);
      return existing;
    }
    const id = `srv-${this.nextId()}`;
    const svc: DoubleService = { id, arn: `arn:aws:servicediscovery:us-east-1:${ns.owner}:service/${id}`, name, namespaceId: ns.id, healthCheck, instances: new Map(), revision: 1, createdAt: Date.now() };
    ns.services.set(name, svc);
    return svc;
  }

  private namespaceNamed(name: string, owner: string): DoubleNamespace {
    const ns = [...this.namespaces.values()].find((n) => n.name === name && n.owner === owner);
    if (!ns) throw new Error(`the double has no namespace ${name} owned by ${owner}`);
    return ns;
  }

  private serviceNamed(namespace: string, service: string, owner?: string): DoubleService {
    const svc = this.namespaceNamed(namespace, owner ?? this.account).services.get(service);
    if (!svc) throw new Error(`the double has no service ${service} in ${namespace}`);
    return svc;
  }

  private namespaceById(id: string): DoubleNamespace {
    const ns = this.namespaces.get(id);
    if (!ns) throw new ApiError('NamespaceNotFound', `No namespace exists with ID: ${id}`);
    return ns;
  }

  private serviceById(id: string): DoubleService {
    for (const ns of this.namespaces.values()) for (const s of ns.services.values()) if (s.id === id) return s;
    throw new ApiError('ServiceNotFound', `No service exists with ID: ${id}`);
  }

  private nextId(): string {
    return `${(++this.seq).toString(36).padStart(8, '0')}${randomUUID().slice(0, 8)}`;
  }

  private operationId(): string {
    return `op-${this.nextId()}`;
  }
}
