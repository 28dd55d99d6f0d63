import type { CapacityName, DeployConfig, QcuPoolConfig, TaskSize } from './config.js';
import { headGroups } from './head-groups.js';
import { baseStackResources, dataStackResources, headsPerStack, headsStackResources, qcuStackResources } from './resource-table.js';
import { stackNames } from './naming.js';

export interface PlannedService {
  /** What the services are (one line per kind: "head", "shard", "qcu-default", ...). */
  readonly role: string;
  readonly services: number;
  readonly tasksPerService: number;
  readonly capacity: CapacityName;
  readonly cpu: number;
  readonly memoryMiB: number;
  /** Fleet total for the row. */
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** Hourly cost of the row as configured (Spot capacity at Spot prices). */
  readonly hourlyUsd: number;
  /** Hourly cost of the row with every task On-Demand. */
  readonly hourlyOnDemandUsd: number;
}

export interface PlannedStack {
  readonly name: string;
  readonly resources: number;
}

export interface DeployPlan {
  readonly name: string;
  readonly region: string;
  readonly rows: readonly PlannedService[];
  readonly stacks: readonly PlannedStack[];
  readonly maxResourcesPerStack: number;
  readonly headsPerStack: number;
  readonly services: number;
  readonly tasks: number;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly hourlyCostUsd: {
    /** As configured: Spot-capacity services at Spot prices, the rest On-Demand, plus the database. */
    readonly total: number;
    /** The part of total paid at On-Demand prices (Fargate, On-Demand instances, RDS). */
    readonly onDemand: number;
    /** The part of total paid at Spot prices. */
    readonly spot: number;
    /** What the same fleet would cost with every task On-Demand. */
    readonly ifAllOnDemand: number;
    /** Database cost included in the totals (0 for an existing database, or an instance class with no price). */
    readonly database: number;
  };
  /** Prices the table lacks (the plan counts them as 0). */
  readonly unpriced: readonly string[];
}

const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** The fleet the CDK app deploys for `config`: services, tasks, sizes, stacks with resource counts, hourly cost. */
export function planDeployment(config: DeployConfig): DeployPlan {
  const unpriced: string[] = [];
  const fargate = (role: string, services: number, tasksPerService: number, size: TaskSize, capacity: CapacityName): PlannedService => {
    const tasks = services * tasksPerService;
    const vcpu = (size.cpu / 1024) * tasks;
    const memoryGiB = (size.memoryMiB / 1024) * tasks;
    const od = config.prices.fargate.onDemand;
    const sp = config.prices.fargate.spot;
    const onDemand = vcpu * od.vcpuHour + memoryGiB * od.gbHour;
    const hourly = capacity === 'FARGATE_SPOT' ? vcpu * sp.vcpuHour + memoryGiB * sp.gbHour : onDemand;
    return { role, services, tasksPerService, capacity, cpu: size.cpu, memoryMiB: size.memoryMiB, vcpu, memoryGiB, hourlyUsd: round(hourly), hourlyOnDemandUsd: round(onDemand) };
  };
  const rows: PlannedService[] = [
    fargate('head', config.heads.count, 1, config.heads, 'FARGATE'),
    fargate('shard', config.shards.count, config.shards.tasksPerShard, config.shards, 'FARGATE'),
    fargate('coordinator', 1, 1, config.coordinator, 'FARGATE'),
    fargate('otel-collector', 1, 1, config.telemetry, 'FARGATE'),
    ...config.qcuPools.map((pool) => (pool.capacity === 'MANAGED_INSTANCES' ? managedPool(config, pool, unpriced) : fargate(`qcu-${pool.name}`, 1, pool.plannedTasks, pool, pool.capacity))),
  ];

  let database = 0;
  if (config.store.kind === 'create') {
    const price = config.prices.rds[config.store.instanceClass];
    if (price === undefined) unpriced.push(`prices.rds.${config.store.instanceClass}`);
    else database = price * (config.store.multiAz ? 2 : 1);
  }
  const spotRows = rows.filter((r) => r.capacity === 'FARGATE_SPOT' || (r.capacity === 'MANAGED_INSTANCES' && isSpotPool(config, r.role)));
  const spot = spotRows.reduce((s, r) => s + r.hourlyUsd, 0);
  const total = rows.reduce((s, r) => s + r.hourlyUsd, 0) + database;
  const ifAllOnDemand = rows.reduce((s, r) => s + r.hourlyOnDemandUsd, 0) + database;

  const stacks: PlannedStack[] = [
    { name: stackNames.base(config), resources: baseStackResources(config) },
    { name: stackNames.data(config), resources: dataStackResources(config) },
    { name: stackNames.qcu(config), resources: qcuStackResources(config) },
    ...headGroups(config).map((g) => ({ name: stackNames.heads(config, g.group), resources: headsStackResources(g.end - g.first) })),
  ];
  return {
    name: config.name,
    region: config.env?.region ?? config.prices.region,
    rows,
    stacks,
    maxResourcesPerStack: config.maxResourcesPerStack,
    headsPerStack: headsPerStack(config),
    services: rows.reduce((s, r) => s + r.services, 0),
    tasks: rows.reduce((s, r) => s + r.services * r.tasksPerService, 0),
    vcpu: round(rows.reduce((s, r) => s + r.vcpu, 0), 2),
    memoryGiB: round(rows.reduce((s, r) => s + r.memoryGiB, 0), 2),
    hourlyCostUsd: { total: round(total), onDemand: round(total - spot), spot: round(spot), ifAllOnDemand: round(ifAllOnDemand), database: round(database) },
    unpriced,
  };
}

function isSpotPool(config: DeployConfig, role: string): boolean {
  return config.qcuPools.some((p) => `qcu-${p.name}` === role && p.spotInstances);
}

/**
 * A Managed Instances pool is paid per instance: the cheapest allowed type, as many tasks per instance as its vCPUs,
 * memory and GPUs hold, plus the management fee.
 */
function managedPool(config: DeployConfig, pool: QcuPoolConfig, unpriced: string[]): PlannedService {
  let best: { hourly: number; onDemand: number } | undefined;
  for (const type of pool.instanceTypes) {
    const price = config.prices.managedInstances[type];
    if (price === undefined) {
      unpriced.push(`prices.managedInstances.${type}`);
      continue;
    }
    const perInstance = Math.min(
      Math.floor((price.vcpus * 1024) / pool.cpu),
      Math.floor((price.memoryGiB * 1024) / pool.memoryMiB),
      pool.gpus > 0 ? Math.floor(price.gpus / pool.gpus) : Number.POSITIVE_INFINITY,
    );
    if (perInstance < 1) continue;
    const instances = Math.ceil(pool.plannedTasks / perInstance);
    const onDemand = instances * (price.onDemandHour + price.managementHour);
    const hourly = pool.spotInstances ? instances * (price.spotHour + price.managementHour) : onDemand;
    if (best === undefined || hourly < best.hourly) best = { hourly, onDemand };
  }
  const tasks = pool.plannedTasks;
  return {
    role: `qcu-${pool.name}`,
    services: 1,
    tasksPerService: tasks,
    capacity: 'MANAGED_INSTANCES',
    cpu: pool.cpu,
    memoryMiB: pool.memoryMiB,
    vcpu: (pool.cpu / 1024) * tasks,
    memoryGiB: (pool.memoryMiB / 1024) * tasks,
    hourlyUsd: round(best?.hourly ?? 0),
    hourlyOnDemandUsd: round(best?.onDemand ?? 0),
  };
}

/** Stacks the plan says exceed the limit (the base, data and QCU stacks do not split). */
export function oversizedStacks(plan: DeployPlan): PlannedStack[] {
  return plan.stacks.filter((s) => s.resources > plan.maxResourcesPerStack);
}
