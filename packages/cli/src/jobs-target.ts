import { connect, JobsClient, type FlorinConnection } from '@florin/client';
import { DEFAULT_DATA_DIR, readClusterFile } from './cluster/cluster-file.js';
import { clusterDiscovery, headTargets } from './data-source.js';
import type { ClientDiscoveryFlags } from './discovery-options.js';
import { commandSecurity, type SecurityFlags } from './security-options.js';

export interface JobsTargetFlags extends Partial<ClientDiscoveryFlags>, SecurityFlags {
  coordinator?: string;
  heads?: string[];
  dataDir?: string;
}

/**
 * Connects the SDK to an explicit coordinator (and head nodes), or to the
 * local cluster `florin up` runs.
 */
export async function connectJobs(flags: JobsTargetFlags): Promise<{ connection: FlorinConnection; jobs: JobsClient }> {
  const security = await commandSecurity(flags);
  let coordinator = flags.coordinator;
  let heads = flags.heads;
  if (!coordinator && !heads) {
    const found = await clusterDiscovery(flags);
    if (found) {
      const connection = connect({ discovery: found.discovery, headServices: found.headServices, coordinatorService: found.coordinatorService, security });
      return { connection, jobs: connection.jobs! };
    }
  }
  if (!coordinator || !heads) {
    const cluster = await readClusterFile(flags.dataDir ?? DEFAULT_DATA_DIR);
    coordinator ??= cluster.coordinator?.address;
    heads ??= cluster.heads.map((h) => `${h.id}=${h.address}`);
    if (!coordinator) throw new Error(`the local cluster in ${cluster.dataDir} runs no coordinator: start it with \`florin up\` (coordinator on by default)`);
  }
  const connection = connect({ heads: headTargets(heads), coordinator, security });
  return { connection, jobs: connection.jobs! };
}

/**
 * The job service alone (`florin jobs`: list, show, watch, cancel, logs need
 * no head node): an explicit --coordinator is dialled directly, else as connectJobs.
 */
export async function connectJobService(flags: JobsTargetFlags): Promise<{ jobs: JobsClient; close: () => void }> {
  if (flags.coordinator && !flags.heads) {
    const jobs = new JobsClient(flags.coordinator, { security: await commandSecurity(flags) });
    return { jobs, close: () => jobs.close() };
  }
  const { connection, jobs } = await connectJobs(flags);
  return { jobs, close: () => connection.close() };
}
