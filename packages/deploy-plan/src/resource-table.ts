import type { DeployConfig } from './config.js';

/**
 * CloudFormation resources each construct of the CDK app adds, measured from `cdk synth` (cdk-test/plan-matches-synth
 * checks these against real templates for several configs, so a change to the app that changes a count fails there).
 */
export const RESOURCES = {
  /** Per head-node service: its task definition and its ECS service. */
  perHead: 2,
  /** Per heads stack: its Cloud Map service, the head task role + policy, the execution role + policy. */
  headsStackFixed: 5,
  /** Per shard service: task definition + ECS service. */
  perShard: 2,
  /** Data stack without shards: execution role + policy, shards/coordinator Cloud Map services, two task roles +
   * policies, the coordinator task definition + service. */
  dataFixed: 10,
  /** An RDS instance the app creates: security group, ingress rule, subnet group, secret, secret attachment, instance. */
  createdStore: 6,
  /** Per QCU pool: task definition, service, scalable target, two step policies, two alarms. */
  perQcuPool: 7,
  /** QCU stack: the QCU task role + policy, execution role + policy. */
  qcuFixed: 4,
  /** Base stack without VPC, clusters, ingress rules and Managed Instances: tasks security group, 6 log groups,
   * collector task role + policy, execution role + policy, task definition, service, Cloud Map service. */
  baseFixed: 14,
  /** One ingress rule per distinct Florin port. */
  perIngressPort: 1,
  /** Per ECS cluster: the cluster and its capacity provider associations. */
  perCluster: 2,
  /** Per Managed Instances QCU pool: capacity provider, infrastructure role, instance role, instance profile. */
  perManagedInstancesPool: 4,
  /** A namespace the app creates. */
  createdNamespace: 1,
  /** A VPC the app creates: VPC, internet gateway + attachment. */
  vpcFixed: 3,
  /** Per availability zone: public subnet, route table, association, default route; private subnet, route table, association, route. */
  vpcPerAz: 8,
  /** Per NAT gateway: the gateway and its Elastic IP. */
  vpcPerNat: 2,
} as const;

export function baseStackResources(config: DeployConfig): number {
  const vpc = config.vpc.kind === 'create' ? RESOURCES.vpcFixed + RESOURCES.vpcPerAz * vpcZones(config) + RESOURCES.vpcPerNat * config.vpc.natGateways : 0;
  const ports = new Set([config.heads.port, config.shards.port, config.coordinator.port, 4317]).size;
  const managed = config.qcuPools.filter((p) => p.capacity === 'MANAGED_INSTANCES').length;
  return (
    RESOURCES.baseFixed +
    vpc +
    RESOURCES.perIngressPort * ports +
    RESOURCES.perCluster * config.clusters.length +
    RESOURCES.perManagedInstancesPool * managed +
    (config.namespace.kind === 'create' ? RESOURCES.createdNamespace : 0)
  );
}

export function dataStackResources(config: DeployConfig): number {
  return RESOURCES.dataFixed + RESOURCES.perShard * config.shards.count + (config.store.kind === 'create' ? RESOURCES.createdStore : 0);
}

export function qcuStackResources(config: DeployConfig): number {
  return RESOURCES.qcuFixed + RESOURCES.perQcuPool * config.qcuPools.length;
}

export function headsStackResources(heads: number): number {
  return RESOURCES.headsStackFixed + RESOURCES.perHead * heads;
}

/** The most head nodes one stack holds under config.maxResourcesPerStack. */
export function headsPerStack(config: DeployConfig): number {
  return Math.floor((config.maxResourcesPerStack - RESOURCES.headsStackFixed) / RESOURCES.perHead);
}

/** Zones a created VPC spans: the ones named, or the two an environment-agnostic stack gets. */
export function vpcZones(config: DeployConfig): number {
  return config.vpc.kind === 'create' ? (config.vpc.availabilityZones.length || 2) : config.vpc.availabilityZones.length;
}
