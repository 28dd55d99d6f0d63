import { ConfigError, ConfigReader } from './config-reader.js';
import { fargateSizeProblem, FARGATE_MAX_MEMORY_MIB } from './fargate-sizes.js';
import type {
  CapacityName,
  DeployConfig,
  ExistingNamespace,
  InstancePrice,
  PriceTable,
  QcuPoolConfig,
  SecurityConfig,
  TaskSize,
} from './config.js';
import { CAPACITY_NAMES } from './config.js';

/**
 * What a head's task needs besides its cache: Node and the modules (~100 MiB), the in-flight and answer
 * budgets (32 + 16 MiB) and call state under load; bench:soak measured at most 242 MiB of RSS with a
 * 64 MiB cache (docs/performance.md, "Memory under load").
 */
const HEAD_HEADROOM_MIB = 256;

const NAME = { pattern: /^[a-z][a-z0-9-]{0,23}$/, allowed: 'lower-case letters, digits and "-", starting with a letter, at most 24 characters' };
const CLUSTER = { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/, allowed: 'an ECS cluster name (letters, digits, "-", "_")' };
const ACCOUNT = { pattern: /^\d{12}$/, allowed: 'a 12-digit AWS account id' };
const REGION = { pattern: /^[a-z]{2}(-[a-z]+)+-\d$/, allowed: 'an AWS region such as us-east-1' };
const CIDR = { pattern: /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, allowed: 'an IPv4 CIDR such as 10.0.0.0/16' };
const DNS_NAME = { pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, allowed: 'a DNS name such as florin.local' };
const PORT = { min: 1, max: 65535 };

const TOP = ['name', 'env', 'image', 'vpc', 'clusters', 'namespace', 'store', 'heads', 'shards', 'coordinator', 'qcuPools', 'telemetry', 'logRetentionDays', 'security', 'maxResourcesPerStack', 'prices'];
/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Checks a parsed config file and returns it with defaults filled in; throws ConfigError listing every problem. */
export function validateConfig(input: unknown): DeployConfig {
  const { reader: r, problems } = ConfigReader.root(input, TOP);
  const name = r.string('name', NAME);
  const envReader = r.object('env', ['account', 'region'], false);
  const env = envReader ? { account: envReader.string('account', ACCOUNT), region: envReader.string('region', REGION) } : undefined;
  const image = r.string('image', { allowed: 'a container image reference such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/florin:0.1.0' });

  const vpc = readVpc(r);
  const clusters = r.strings('clusters', CLUSTER);
  if (new Set(clusters).size !== clusters.length) r.problem('clusters', `cluster names must be distinct, got ${JSON.stringify(clusters)}`);
  const clusterRule = (reader: ConfigReader, fallback: string | undefined): string => {
    const c = reader.string('cluster', { ...CLUSTER, ...(fallback !== undefined ? { default: fallback } : {}) });
    if (clusters.length > 0 && !clusters.includes(c)) reader.problem('cluster', `${JSON.stringify(c)} is not one of the clusters: ${clusters.join(', ')}`);
    return c;
  };
  const firstCluster = clusters[0];

  const namespace = readNamespace(r);
  const store = readStore(r);

  const h = r.object('heads', ['count', 'cluster', 'cpu', 'memoryMiB', 'port', 'idPrefix', 'idDigits', 'cacheMiB']);
  const heads = h
    ? {
        count: h.int('count', { min: 0, max: 100_000 }),
        cluster: clusterRule(h, firstCluster),
        ...fargateSize(h, { cpu: 1024, memoryMiB: 4096 }),
        port: h.int('port', { ...PORT, default: 7200 }),
        idPrefix: h.string('idPrefix', { pattern: /^[a-z][a-z0-9-]{0,20}$/, allowed: 'lower-case letters, digits and "-"', default: 'head-' }),
        idDigits: h.int('idDigits', { min: 1, max: 8, default: 4 }),
        cacheMiB: h.int('cacheMiB', { min: 16, default: 2048 }),
      }
    : { count: 0, cluster: '', cpu: 1024, memoryMiB: 4096, port: 7200, idPrefix: 'head-', idDigits: 4, cacheMiB: 2048 };
  if (h && heads.cacheMiB + HEAD_HEADROOM_MIB > heads.memoryMiB) {
    h.problem('cacheMiB', `${heads.cacheMiB} leaves ${heads.memoryMiB - heads.cacheMiB} MiB of the task's memoryMiB ${heads.memoryMiB} for the rest of the head, which needs about ${HEAD_HEADROOM_MIB} MiB besides its cache; choose cacheMiB <= ${Math.max(0, heads.memoryMiB - HEAD_HEADROOM_MIB)} or a larger memoryMiB`);
  }
  if (h && heads.count >= 10 ** heads.idDigits) h.problem('idDigits', `${heads.idDigits} digits cannot number ${heads.count} heads; use at least ${String(heads.count - 1).length}`);

  const s = r.object('shards', ['count', 'tasksPerShard', 'cluster', 'cpu', 'memoryMiB', 'port']);
  const shards = s
    ? {
        count: s.int('count', { min: 1, max: 4096 }),
        tasksPerShard: s.int('tasksPerShard', { min: 1, max: 16, default: 1 }),
        cluster: clusterRule(s, firstCluster),
        ...fargateSize(s, { cpu: 2048, memoryMiB: 8192 }),
        port: s.int('port', { ...PORT, default: 7100 }),
      }
    : { count: 1, tasksPerShard: 1, cluster: '', cpu: 2048, memoryMiB: 8192, port: 7100 };

  const c = r.object('coordinator', ['cluster', 'cpu', 'memoryMiB', 'port'], false);
  const coordinator = c
    ? { cluster: clusterRule(c, firstCluster), ...fargateSize(c, { cpu: 1024, memoryMiB: 2048 }), port: c.int('port', { ...PORT, default: 7400 }) }
    : { cluster: firstCluster ?? '', cpu: 1024, memoryMiB: 2048, port: 7400 };

  const t = r.object('telemetry', ['cluster', 'collectorImage', 'cpu', 'memoryMiB', 'metricNamespace', 'queueDepthMetric'], false) ?? new ConfigReader({}, 'telemetry', problems);
  const telemetry = {
    cluster: clusterRule(t, firstCluster),
    collectorImage: t.string('collectorImage', { default: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3' }),
    ...fargateSize(t, { cpu: 512, memoryMiB: 1024 }),
    metricNamespace: t.string('metricNamespace', { pattern: /^[A-Za-z0-9._/#:-]{1,255}$/, allowed: 'a CloudWatch namespace', default: 'Florin' }),
    queueDepthMetric: t.string('queueDepthMetric', { default: 'florin.coordinator.queue_depth' }),
  };

  const prices = readPrices(r);
  const qcuPools = r.objects('qcuPools', ['name', 'cluster', 'capacity', 'cpu', 'memoryMiB', 'gpus', 'instanceTypes', 'spotInstances', 'minTasks', 'maxTasks', 'plannedTasks', 'queueDepthPerTask', 'concurrency']).map((p) =>
    readPool(p, clusterRule(p, firstCluster), prices),
  );
  const poolNames = qcuPools.map((p) => p.name);
  if (new Set(poolNames).size !== poolNames.length) r.problem('qcuPools', `pool names must be distinct, got ${JSON.stringify(poolNames)}`);

  const logRetentionDays = r.int('logRetentionDays', { default: 30 });
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) r.problem('logRetentionDays', `${logRetentionDays} is not a CloudWatch Logs retention; choose one of ${LOG_RETENTION_DAYS.join(', ')}`);
  const maxResourcesPerStack = r.int('maxResourcesPerStack', { min: 100, max: 500, default: 450 });
  const security = readSecurity(r);

  if (namespace.kind === 'existing' && namespace.type === 'http') {
    r.problem('namespace.existing.type', '"http" namespaces have no DNS, but the tasks reach the OpenTelemetry collector by its DNS name; use a private DNS namespace ("dns")');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { name, ...(env ? { env } : {}), image, vpc, clusters, namespace, store, heads, shards, coordinator, qcuPools, telemetry, logRetentionDays, security, maxResourcesPerStack, prices };
}

function fargateSize(r: ConfigReader, defaults: TaskSize): TaskSize {
  const cpu = r.int('cpu', { min: 256, default: defaults.cpu });
  const memoryMiB = r.int('memoryMiB', { min: 512, default: defaults.memoryMiB });
  const problem = fargateSizeProblem(cpu, memoryMiB);
  if (problem !== undefined) r.problem('cpu/memoryMiB', problem);
  return { cpu, memoryMiB };
}

function readVpc(r: ConfigReader): DeployConfig['vpc'] {
  const v = r.object('vpc', ['create', 'existing']);
  if (v && v.has('create') === v.has('existing')) {
    r.problem('vpc', 'give exactly one of "create" (a new VPC) or "existing" (an existing VPC by id)');
  }
  const e = v?.object('existing', ['vpcId', 'cidr', 'availabilityZones', 'privateSubnetIds'], false);
  if (e) {
    const availabilityZones = e.strings('availabilityZones', { allowed: 'availability zone names such as us-east-1a' });
    const privateSubnetIds = e.strings('privateSubnetIds', { pattern: /^subnet-[0-9a-f]+$/, allowed: 'subnet ids such as subnet-0abc12' });
    if (availabilityZones.length !== privateSubnetIds.length) {
      e.problem('privateSubnetIds', `give one private subnet per availability zone (${availabilityZones.length} zones, ${privateSubnetIds.length} subnets)`);
    }
    return { kind: 'existing', vpcId: e.string('vpcId', { pattern: /^vpc-[0-9a-f]+$/, allowed: 'a VPC id such as vpc-0abc12' }), cidr: e.string('cidr', CIDR), availabilityZones, privateSubnetIds };
  }
  const c = v?.object('create', ['cidr', 'availabilityZones', 'natGateways'], false);
  const create = c ?? new ConfigReader({}, 'vpc.create', []);
  const availabilityZones = create.strings('availabilityZones', { minItems: 0, pattern: /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, allowed: 'availability zone names such as us-east-1a' });
  if (availabilityZones.length > 0 && r.raw('env') === undefined) {
    create.problem('availabilityZones', 'naming zones needs "env" (account and region); without it the stacks are environment-agnostic and span two zones');
  }
  if (availabilityZones.length === 0 && r.raw('env') !== undefined) {
    create.problem('availabilityZones', 'with "env" set, list the zones (e.g. ["us-east-1a", "us-east-1b"]) so that synth needs no AWS lookup');
  }
  const zones = availabilityZones.length > 0 ? availabilityZones.length : 2;
  return { kind: 'create', cidr: create.string('cidr', { ...CIDR, default: '10.40.0.0/16' }), availabilityZones, natGateways: create.int('natGateways', { min: 1, max: zones, default: 1 }) };
}

function readNamespace(r: ConfigReader): DeployConfig['namespace'] {
  const n = r.object('namespace', ['create', 'existing']);
  if (n && n.has('create') === n.has('existing')) r.problem('namespace', 'give exactly one of "create" (a new private DNS namespace) or "existing" (a namespace by id)');
  const e = n?.object('existing', ['id', 'name', 'arn', 'type', 'ownerAccount'], false);
  if (e) {
    const ns: ExistingNamespace = {
      kind: 'existing',
      id: e.string('id', { pattern: /^ns-[a-z0-9]+$/, allowed: 'a Cloud Map namespace id such as ns-abc123' }),
      name: e.string('name', DNS_NAME),
      arn: e.string('arn', { pattern: /^arn:aws[a-z-]*:servicediscovery:/, allowed: 'a Cloud Map namespace ARN (arn:aws:servicediscovery:...)' }),
      type: e.oneOf('type', ['dns', 'http'] as const, 'dns'),
    };
    const owner = e.optionalString('ownerAccount', ACCOUNT);
    return owner !== undefined ? { ...ns, ownerAccount: owner } : ns;
  }
  const c = n?.object('create', ['name'], false) ?? new ConfigReader({}, 'namespace.create', []);
  return { kind: 'create', name: c.string('name', { ...DNS_NAME, default: 'florin.local' }) };
}

function readStore(r: ConfigReader): DeployConfig['store'] {
  const s = r.object('store', ['create', 'existing']);
  if (s && s.has('create') === s.has('existing')) r.problem('store', 'give exactly one of "create" (a new RDS PostgreSQL instance) or "existing" (a database by its Secrets Manager secret)');
  const e = s?.object('existing', ['secretArn'], false);
  if (e) return { kind: 'existing', secretArn: e.string('secretArn', { pattern: /^arn:aws[a-z-]*:secretsmanager:/, allowed: 'a Secrets Manager secret ARN' }) };
  const c = s?.object('create', ['instanceClass', 'engineVersion', 'allocatedStorageGiB', 'databaseName', 'multiAz'], false) ?? new ConfigReader({}, 'store.create', []);
  return {
    kind: 'create',
    instanceClass: c.string('instanceClass', { pattern: /^db\.[a-z0-9]+\.[a-z0-9]+$/, allowed: 'an RDS instance class such as db.r6g.large', default: 'db.r6g.large' }),
    engineVersion: c.oneOf('engineVersion', ['14', '15', '16', '17'] as const, '16'),
    allocatedStorageGiB: c.int('allocatedStorageGiB', { min: 20, max: 65536, default: 100 }),
    databaseName: c.string('databaseName', { pattern: /^[a-z][a-z0-9_]{0,62}$/, allowed: 'a PostgreSQL database name', default: 'florin' }),
    multiAz: c.bool('multiAz', false),
  };
}

function readPool(p: ConfigReader, cluster: string, prices: PriceTable): QcuPoolConfig {
  const name = p.string('name', NAME);
  const gpus = p.int('gpus', { min: 0, max: 16, default: 0 });
  const cpu = p.int('cpu', { min: 256, default: 2048 });
  const memoryMiB = p.int('memoryMiB', { min: 512, default: 4096 });
  const defaultCapacity: CapacityName = gpus > 0 || memoryMiB > FARGATE_MAX_MEMORY_MIB ? 'MANAGED_INSTANCES' : 'FARGATE_SPOT';
  const capacity = p.oneOf('capacity', CAPACITY_NAMES, defaultCapacity);
  const instanceTypes = p.strings('instanceTypes', { minItems: capacity === 'MANAGED_INSTANCES' ? 1 : 0, allowed: 'EC2 instance types listed in prices.managedInstances' });
  if (capacity === 'MANAGED_INSTANCES') {
    instanceTypes.forEach((type, i) => {
      const price: InstancePrice | undefined = prices.managedInstances[type];
      if (price === undefined) {
        p.problem(`instanceTypes[${i}]`, `${JSON.stringify(type)} has no entry in prices.managedInstances (known: ${Object.keys(prices.managedInstances).join(', ') || 'none'})`);
      } else if (price.vcpus * 1024 < cpu || price.memoryGiB * 1024 < memoryMiB || price.gpus < gpus) {
        p.problem(`instanceTypes[${i}]`, `${type} (${price.vcpus} vCPU, ${price.memoryGiB} GiB, ${price.gpus} GPU) cannot hold one task of cpu ${cpu}, memoryMiB ${memoryMiB}, gpus ${gpus}`);
      }
    });
  } else {
    if (gpus > 0) p.problem('gpus', `Fargate has no GPUs; a pool with gpus ${gpus} needs capacity "MANAGED_INSTANCES"`);
    if (instanceTypes.length > 0) p.problem('instanceTypes', `only MANAGED_INSTANCES pools choose instance types (capacity is ${capacity})`);
    const problem = fargateSizeProblem(cpu, memoryMiB);
    if (problem !== undefined) p.problem('cpu/memoryMiB', memoryMiB > FARGATE_MAX_MEMORY_MIB ? `${problem}; more than ${FARGATE_MAX_MEMORY_MIB} MiB needs capacity "MANAGED_INSTANCES"` : problem);
  }
  const minTasks = p.int('minTasks', { min: 0, max: 10_000, default: 0 });
  const maxTasks = p.int('maxTasks', { min: 1, max: 10_000, default: 20 });
  if (maxTasks < minTasks) p.problem('maxTasks', `${maxTasks} is below minTasks ${minTasks}`);
  const plannedTasks = p.int('plannedTasks', { min: 0, default: minTasks });
  if (plannedTasks < minTasks || plannedTasks > maxTasks) p.problem('plannedTasks', `${plannedTasks} must lie between minTasks ${minTasks} and maxTasks ${maxTasks}`);
  return {
    name,
    cluster,
    capacity,
    cpu,
    memoryMiB,
    gpus,
    instanceTypes,
    spotInstances: p.bool('spotInstances', true),
    minTasks,
    maxTasks,
    plannedTasks,
    queueDepthPerTask: p.int('queueDepthPerTask', { min: 1, default: 8 }),
    concurrency: p.int('concurrency', { min: 1, max: 256, default: 4 }),
  };
}

function readPrices(r: ConfigReader): PriceTable {
  const p = r.object('prices', ['currency', 'region', 'fargate', 'managedInstances', 'rds']);
  if (!p) return { currency: 'USD', region: '', fargate: { onDemand: { vcpuHour: 0, gbHour: 0 }, spot: { vcpuHour: 0, gbHour: 0 } }, managedInstances: {}, rds: {} };
  p.oneOf('currency', ['USD'] as const, 'USD');
  const f = p.object('fargate', ['onDemand', 'spot']);
  const card = (key: string) => {
    const c = f?.object(key, ['vcpuHour', 'gbHour']);
    return { vcpuHour: c?.amount('vcpuHour') ?? 0, gbHour: c?.amount('gbHour') ?? 0 };
  };
  const managedInstances: Record<string, InstancePrice> = {};
  for (const [type, m] of p.entries('managedInstances', ['vcpus', 'memoryGiB', 'gpus', 'onDemandHour', 'spotHour', 'managementHour'])) {
    managedInstances[type] = {
      vcpus: m.int('vcpus', { min: 1 }),
      memoryGiB: m.int('memoryGiB', { min: 1 }),
      gpus: m.int('gpus', { min: 0, default: 0 }),
      onDemandHour: m.amount('onDemandHour'),
      spotHour: m.amount('spotHour'),
      managementHour: m.amount('managementHour', 0),
    };
  }
  return { currency: 'USD', region: p.string('region', REGION), fargate: { onDemand: card('onDemand'), spot: card('spot') }, managedInstances, rds: p.amounts('rds') };
}

const SECRET_ARNS = ['caSecretArn', 'serverCertSecretArn', 'serverKeySecretArn', 'jwksSecretArn', 'grantKeySecretArn', 'headTokenSecretArn', 'qcuTokenSecretArn'] as const;

/** `security`: the Secrets Manager ARNs of the CA, server certificate and key, JWKS and service tokens, or {"plaintext": true}. */
function readSecurity(r: ConfigReader): SecurityConfig {
  const s = r.object('security', ['plaintext', ...SECRET_ARNS, 'serverName'], false);
  if (!s) {
    r.problem('security', `required: the Secrets Manager ARNs of the TLS and token material (${SECRET_ARNS.join(', ')}, serverName), or {"plaintext": true} to run without TLS (docs/security.md)`);
    return { plaintext: true };
  }
  const plaintext = s.bool('plaintext', false);
  if (plaintext) {
    for (const key of [...SECRET_ARNS, 'serverName']) if (s.has(key)) s.problem(key, 'contradicts "plaintext": true; give the secrets or plaintext, not both');
    return { plaintext: true };
  }
  const arn = (key: (typeof SECRET_ARNS)[number]): string => s.string(key, { pattern: /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, allowed: 'a Secrets Manager secret ARN' });
  return {
    plaintext: false,
    caSecretArn: arn('caSecretArn'),
    serverCertSecretArn: arn('serverCertSecretArn'),
    serverKeySecretArn: arn('serverKeySecretArn'),
    jwksSecretArn: arn('jwksSecretArn'),
    grantKeySecretArn: arn('grantKeySecretArn'),
    headTokenSecretArn: arn('headTokenSecretArn'),
    qcuTokenSecretArn: arn('qcuTokenSecretArn'),
    serverName: s.string('serverName', { pattern: /^[A-Za-z0-9.-]{1,253}$/, allowed: 'a DNS name' }),
  };
}
