import { readFile, writeFile, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PartitionedStore } from '@florin/store';
import type { DiscoveryFlags } from '../discovery-options.js';

/** Where a running local cluster's processes listen; written by `florin up`, read by the other commands. */
export interface ClusterFile {
  dataDir: string;
  /** Shard tasks: one per partition (id), or with `florin up --shard-tasks N` N per partition (task 0..N-1). */
  shards: { id: number; task?: number; address: string; pid: number }[];
  heads: { id: string; address: string; pid: number }[];
  /** The job coordinator, when the cluster runs one. */
  coordinator?: { address: string; pid: number };
  qcus: { id: string; pid: number }[];
  /** How the cluster's processes find each other (the flags each got); the other commands use it too. */
  discovery?: Pick<DiscoveryFlags, 'discovery' | 'registryDir' | 'cloudmapNamespace' | 'cloudmapEndpoint' | 'cloudmapRegion'>;
  /** Where the processes push telemetry; statsUrl when `florin up --telemetry` runs the receiver (florin stats reads it). */
  telemetry?: { endpoint: string; statsUrl?: string };
  /** A secure cluster's CA and token files (paths only: never a secret itself). Absent: plaintext. */
  security?: { ca: string; serverName?: string; tokenFile: string; researcherTokenFile?: string };
  startedAt: string;
  pid: number;
}

export const DEFAULT_DATA_DIR = '.florin';

export function clusterFilePath(dataDir: string): string {
  return join(dataDir, 'cluster.json');
}

export async function writeClusterFile(file: ClusterFile): Promise<void> {
  await mkdir(file.dataDir, { recursive: true });
  await writeFile(clusterFilePath(file.dataDir), JSON.stringify(file, null, 2) + '\n');
}

export async function removeClusterFile(dataDir: string): Promise<void> {
  await rm(clusterFilePath(dataDir), { force: true });
}

/** Reads the cluster file, or explains how to start a cluster when there is none (or it is stale). */
export async function readClusterFile(dataDir: string): Promise<ClusterFile> {
  let text: string;
  try {
    text = await readFile(clusterFilePath(dataDir), 'utf8');
  } catch {
    throw new Error(`no local cluster is running for data directory ${dataDir}: start one with \`florin up\`, or pass --address`);
  }
  const file = JSON.parse(text) as ClusterFile;
  if (!isAlive(file.pid)) {
    throw new Error(`the local cluster recorded in ${clusterFilePath(dataDir)} (pid ${file.pid}) is no longer running: start one with \`florin up\``);
  }
  return file;
}

/** Refuses to start a second cluster on a data directory whose cluster is still running (one writer per shard file). */
export async function assertNoLiveCluster(dataDir: string): Promise<void> {
  let file: ClusterFile;
  try {
    file = JSON.parse(await readFile(clusterFilePath(dataDir), 'utf8')) as ClusterFile;
  } catch {
    return;
  }
  if (isAlive(file.pid)) {
    throw new Error(`a local cluster (pid ${file.pid}) is already running on ${dataDir}: stop it, or use another --data-dir`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The per-shard files of a data directory as one store, for offline loading.
 * Refuses while a local cluster runs on it: each shard file has one writer, the shard.
 */
export async function offlineDataDir(dataDir: string, shards: number): Promise<PartitionedStore> {
  await assertNoLiveCluster(dataDir);
  await mkdir(dataDir, { recursive: true });
  // Loaded here, not at the top: every role reads the cluster file, and only the commands that open stores need DuckDB.
  const { dataDirStore } = await import('./seed-market.js');
  return dataDirStore(dataDir, shards);
}
