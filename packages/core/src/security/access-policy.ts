import { SERVICES } from '../rpc/services.js';
import type { Role } from './roles.js';

/** Methods every caller may use without identity (standard health checks). */
const OPEN_PREFIXES = ['/grpc.health.v1.Health/'];

const ALL: readonly Role[] = ['researcher', 'qcu', 'admin', 'head'];
const DATA_READERS: readonly Role[] = ['researcher', 'qcu', 'admin', 'head'];

/**
 * The roles allowed to call each method ("/package.Service/Method"). A method
 * not in the table is refused to everyone but admin; reflection needs any role.
 */
export const ACCESS_POLICY: Readonly<Record<string, readonly Role[]>> = {
  // Head nodes: what researchers and QCUs read through; QCUs publish; heads forward to their peers.
  [`/${SERVICES.head}/Read`]: DATA_READERS,
  [`/${SERVICES.head}/Write`]: ['qcu', 'admin', 'head'],
  [`/${SERVICES.head}/ListDatasets`]: DATA_READERS,
  // QCUs create their tasks' output datasets, under the task's write grant (GRANTED_WRITES); input datasets stay admin-only.
  [`/${SERVICES.head}/CreateDataset`]: ['qcu', 'admin', 'head'],
  [`/${SERVICES.head}/ListSymbols`]: DATA_READERS,
  [`/${SERVICES.head}/GetStats`]: ALL,
  [`/${SERVICES.head}/DescribeHead`]: ALL,
  // Shards: only head nodes (and operators with admin) talk to them.
  [`/${SERVICES.shard}/Read`]: ['head', 'admin'],
  [`/${SERVICES.shard}/Write`]: ['head', 'admin'],
  [`/${SERVICES.shard}/ListDatasets`]: ['head', 'admin'],
  [`/${SERVICES.shard}/CreateDataset`]: ['head', 'admin'],
  [`/${SERVICES.shard}/ListSymbols`]: ['head', 'admin'],
  [`/${SERVICES.shard}/DescribeShard`]: ['head', 'admin'],
  // Jobs: researchers submit, watch and cancel; QCUs never manage jobs.
  [`/${SERVICES.job}/Submit`]: ['researcher', 'admin'],
  [`/${SERVICES.job}/Get`]: ['researcher', 'admin'],
  [`/${SERVICES.job}/List`]: ['researcher', 'admin'],
  [`/${SERVICES.job}/Watch`]: ['researcher', 'admin'],
  [`/${SERVICES.job}/Cancel`]: ['researcher', 'admin'],
  [`/${SERVICES.job}/Logs`]: ['researcher', 'admin'],
  [`/${SERVICES.job}/ListTasks`]: ['researcher', 'admin'],
  // Work: only QCUs lease, heartbeat and complete.
  [`/${SERVICES.work}/RegisterUnits`]: ['qcu', 'admin'],
  [`/${SERVICES.work}/LeaseTasks`]: ['qcu', 'admin'],
  [`/${SERVICES.work}/Heartbeat`]: ['qcu', 'admin'],
  [`/${SERVICES.work}/CompleteTasks`]: ['qcu', 'admin'],
};

const REFLECTION_PREFIX = '/grpc.reflection.';

/** True when `path` needs no identity. */
export function isOpenMethod(path: string): boolean {
  return OPEN_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/** The roles that may call `path`. */
export function rolesFor(path: string, policy: Readonly<Record<string, readonly Role[]>> = ACCESS_POLICY): readonly Role[] {
  const roles = policy[path];
  if (roles) return roles;
  if (path.startsWith(REFLECTION_PREFIX)) return ALL;
  return ['admin'];
}

/** Methods whose request names a dataset it writes into (checked against read-only datasets). */
export const DATASET_WRITES: ReadonlySet<string> = new Set([
  `/${SERVICES.head}/Write`,
  `/${SERVICES.head}/CreateDataset`,
  `/${SERVICES.shard}/Write`,
  `/${SERVICES.shard}/CreateDataset`,
]);

/**
 * Methods a qcu may call only under write grants (WriteRequest.grants, CreateDatasetRequest.grants): rows of a
 * Write, and the dataset a CreateDataset names (no symbols). Only admin creates datasets without a grant.
 */
export const GRANTED_WRITES: ReadonlySet<string> = new Set([
  `/${SERVICES.head}/Write`,
  `/${SERVICES.shard}/Write`,
  `/${SERVICES.head}/CreateDataset`,
  `/${SERVICES.shard}/CreateDataset`,
]);
