export type {
  CapacityName,
  CoordinatorConfig,
  CreatedNamespace,
  CreatedStore,
  CreatedVpc,
  DeployConfig,
  ExistingNamespace,
  ExistingStore,
  ExistingVpc,
  HeadsConfig,
  InstancePrice,
  PriceTable,
  QcuPoolConfig,
  RateCard,
  RoleConfig,
  PlaintextSecurity,
  SecretsSecurity,
  SecurityConfig,
  ShardsConfig,
  TaskSize,
  TelemetryConfig,
} from './config.js';
export { CAPACITY_NAMES } from './config.js';
export { ConfigError } from './config-reader.js';
export { validateConfig } from './validate-config.js';
export { parseConfig } from './parse-config.js';
export { FARGATE_MEMORY_BY_CPU, FARGATE_MAX_MEMORY_MIB, fargateSizeProblem } from './fargate-sizes.js';
export { headId, shardServiceName, qcuServiceName, stackNames, discoveryNames, COLLECTOR_OTLP_PORT } from './naming.js';
export { RESOURCES, baseStackResources, dataStackResources, qcuStackResources, headsStackResources, headsPerStack, vpcZones } from './resource-table.js';
export { headGroups, type HeadGroup } from './head-groups.js';
export { planDeployment, oversizedStacks, type DeployPlan, type PlannedService, type PlannedStack } from './plan.js';
