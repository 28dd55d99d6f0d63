import { connect, type FlorinConnection, type JobsClient } from '@florin/client';
import { DEFAULT_DATA_DIR, readClusterFile } from './cluster/cluster-file.js';
import { headTargets } from './data-source.js';

export interface JobsTargetFlags {
  coordinator?: string;
  heads?: string[];
  dataDir?: string;
}

/**
 * Connects the SDK to an explicit coordinator (and head nodes), or to the
 * local cluster `florin up` runs.
 */
export async function connectJobs(flags: JobsTargetFlags): Promise<{ connection: FlorinConnection; jobs: JobsClient }> {
  let coordinator = flags.coordinator;
  let heads = flags.heads;
  if (!coordinator || !heads) {
    const cluster = await readClusterFile(flags.dataDir ?? DEFAULT_DATA_DIR);
    coordinator ??= cluster.coordinator?.address;
    heads ??= cluster.heads.map((h) => `${h.id}=${h.address}`);
    if (!coordinator) throw new Error(`the local cluster in ${cluster.dataDir} runs no coordinator: start it with \`florin up\` (coordinator on by default)`);
  }
  const connection = connect({ heads: headTargets(heads), coordinator });
  return { connection, jobs: connection.jobs! };
}
