import type { DeployConfig } from './config.js';

/** The stable id of head node `index`: its ECS service name and its Cloud Map FLORIN_ID attribute (head-0042). */
export function headId(config: DeployConfig, index: number): string {
  return config.heads.idPrefix + String(index).padStart(config.heads.idDigits, '0');
}

export function shardServiceName(index: number): string {
  return `shard-${String(index).padStart(4, '0')}`;
}

export function qcuServiceName(pool: string): string {
  return `qcu-${pool}`;
}

export const stackNames = {
  base: (config: DeployConfig): string => `${config.name}-base`,
  data: (config: DeployConfig): string => `${config.name}-data`,
  qcu: (config: DeployConfig): string => `${config.name}-qcu`,
  heads: (config: DeployConfig, group: number): string => `${config.name}-heads-${String(group).padStart(3, '0')}`,
};

/** Cloud Map service names (API-only discovery; the processes register themselves with their FLORIN_* attributes). */
export const discoveryNames = {
  shards: 'shards',
  coordinator: 'coordinator',
  /** Head nodes register in one Cloud Map service per head stack: a Cloud Map service holds at most 1,000 instances. */
  heads: (group: number): string => `heads-${String(group).padStart(3, '0')}`,
  collector: 'otel-collector',
};

/** OTLP/gRPC port of the collector. */
export const COLLECTOR_OTLP_PORT = 4317;
