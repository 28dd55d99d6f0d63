/**
 * The deployment config: one JSON file (see config/example.json), checked by validateConfig(), which fills in the
 * defaults below and names the field and what is allowed when something is wrong.
 */

/** Where a service's tasks run. MANAGED_INSTANCES is for QCU pools that need GPUs or more memory than Fargate gives. */
export type CapacityName = 'FARGATE' | 'FARGATE_SPOT' | 'MANAGED_INSTANCES';
export const CAPACITY_NAMES: readonly CapacityName[] = ['FARGATE', 'FARGATE_SPOT', 'MANAGED_INSTANCES'];

export interface CreatedVpc {
  readonly kind: 'create';
  readonly cidr: string;
  /** Zones to span, named so that synth needs no lookup; empty: the two zones an environment-agnostic stack gets. */
  readonly availabilityZones: readonly string[];
  readonly natGateways: number;
}
/** An existing VPC, by id, with its subnets named in the config so that synth needs no AWS lookup. */
export interface ExistingVpc {
  readonly kind: 'existing';
  readonly vpcId: string;
  readonly cidr: string;
  readonly availabilityZones: readonly string[];
  readonly privateSubnetIds: readonly string[];
}

export interface CreatedNamespace {
  readonly kind: 'create';
  readonly name: string;
}
/** An existing Cloud Map namespace, possibly owned by another account and shared with this one. */
export interface ExistingNamespace {
  readonly kind: 'existing';
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly type: 'dns' | 'http';
  /** The account that owns a shared namespace (DiscoverInstances needs it as OwnerAccount). */
  readonly ownerAccount?: string;
}

export interface CreatedStore {
  readonly kind: 'create';
  readonly instanceClass: string;
  readonly engineVersion: string;
  readonly allocatedStorageGiB: number;
  readonly databaseName: string;
  readonly multiAz: boolean;
}
/** An existing PostgreSQL database, by its Secrets Manager secret (keys host, port, username, password, dbname). */
export interface ExistingStore {
  readonly kind: 'existing';
  readonly secretArn: string;
}

export interface TaskSize {
  readonly cpu: number;
  readonly memoryMiB: number;
}

export interface RoleConfig extends TaskSize {
  readonly cluster: string;
  readonly port: number;
}

export interface HeadsConfig extends RoleConfig {
  readonly count: number;
  /** Head ids are idPrefix + the index zero-padded to idDigits: head-0042. */
  readonly idPrefix: string;
  readonly idDigits: number;
  readonly cacheMiB: number;
}

export interface ShardsConfig extends RoleConfig {
  readonly count: number;
  /**
   * Tasks per shard service (default 1). All of a partition's tasks serve reads
   * from the shared PostgreSQL store; one of them, by a writer lease in the
   * store, is the partition's writer, and a standby takes over within the
   * lease's ttl + ttl/5 when it dies.
   */
  readonly tasksPerShard: number;
}

export type CoordinatorConfig = RoleConfig;

export interface QcuPoolConfig extends TaskSize {
  readonly name: string;
  readonly cluster: string;
  readonly capacity: CapacityName;
  /** GPUs per task (Managed Instances only). */
  readonly gpus: number;
  /** Managed Instances: the instance types allowed (each must be in prices.managedInstances). */
  readonly instanceTypes: readonly string[];
  /** Managed Instances: Spot or On-Demand instances. */
  readonly spotInstances: boolean;
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Tasks the plan prices (between minTasks and maxTasks). */
  readonly plannedTasks: number;
  /** Scale out by one step for each this many queued tasks. */
  readonly queueDepthPerTask: number;
  readonly concurrency: number;
}

export interface TelemetryConfig extends TaskSize {
  readonly cluster: string;
  readonly collectorImage: string;
  /** CloudWatch namespace the collector publishes metrics to (the QCU scaling reads queue depth from it). */
  readonly metricNamespace: string;
  readonly queueDepthMetric: string;
}

export interface RateCard {
  readonly vcpuHour: number;
  readonly gbHour: number;
}
export interface InstancePrice {
  readonly vcpus: number;
  readonly memoryGiB: number;
  readonly gpus: number;
  readonly onDemandHour: number;
  readonly spotHour: number;
  /** The ECS Managed Instances management fee per instance-hour. */
  readonly managementHour: number;
}
export interface PriceTable {
  readonly currency: 'USD';
  readonly region: string;
  readonly fargate: { readonly onDemand: RateCard; readonly spot: RateCard };
  readonly managedInstances: Readonly<Record<string, InstancePrice>>;
  /** RDS instance classes, On-Demand per hour (single-AZ; Multi-AZ doubles it). */
  readonly rds: Readonly<Record<string, number>>;
}

/**
 * TLS and tokens of the role tasks: every secret comes from AWS Secrets
 * Manager by ARN (a secret string holding PEM or JSON), injected into the task
 * definitions as ECS secrets. Plaintext only when the config asks for it.
 */
export type SecurityConfig = PlaintextSecurity | SecretsSecurity;

export interface PlaintextSecurity {
  readonly plaintext: true;
}

export interface SecretsSecurity {
  readonly plaintext: false;
  /** PEM of the CA (or CA bundle, during a CA change) that signs the servers' certificates: FLORIN_TLS_CA_PEM. */
  readonly caSecretArn: string;
  /** PEM certificate chain of the servers (shards, heads, coordinator): FLORIN_TLS_CERT_PEM. */
  readonly serverCertSecretArn: string;
  /** PEM private key of that certificate: FLORIN_TLS_KEY_PEM. */
  readonly serverKeySecretArn: string;
  /** JWKS (the public keys that verify tokens, several during a rotation): FLORIN_JWKS_JSON. */
  readonly jwksSecretArn: string;
  /** The write-grant key (`florin token keygen --grant`: an HS256 secret, a JWK or a JWK set during a rotation): FLORIN_GRANT_KEY_JSON of the coordinator (signs), heads and shards (verify). */
  readonly grantKeySecretArn: string;
  /** The head tasks' own token (role head): FLORIN_TOKEN of the heads. */
  readonly headTokenSecretArn: string;
  /** The QCU tasks' own token (role qcu): FLORIN_TOKEN of the QCUs. */
  readonly qcuTokenSecretArn: string;
  /** The name on the server certificate (discovery hands out IPs): FLORIN_TLS_SERVER_NAME. */
  readonly serverName: string;
}

export interface DeployConfig {
  /** Prefix of stack names, cluster-independent resource names and log groups. */
  readonly name: string;
  readonly env?: { readonly account: string; readonly region: string };
  /** The Florin image (docker/Dockerfile), in a registry ECS can pull from. */
  readonly image: string;
  readonly vpc: CreatedVpc | ExistingVpc;
  readonly clusters: readonly string[];
  readonly namespace: CreatedNamespace | ExistingNamespace;
  readonly store: CreatedStore | ExistingStore;
  readonly heads: HeadsConfig;
  readonly shards: ShardsConfig;
  readonly coordinator: CoordinatorConfig;
  readonly qcuPools: readonly QcuPoolConfig[];
  readonly telemetry: TelemetryConfig;
  readonly logRetentionDays: number;
  readonly security: SecurityConfig;
  /** A stack is split before it would hold more resources than this (CloudFormation refuses more than 500). */
  readonly maxResourcesPerStack: number;
  readonly prices: PriceTable;
}
