import type { SeriesFrame, TimeRange } from '@florin/core';
import { DataClient, connect, type HeadMember } from '@florin/client';
import type { Discovery } from '@florin/discovery';
import { DEFAULT_NAMESPACE, discoveryFromFlags, type ClientDiscoveryFlags } from './discovery-options.js';
import { ShardRouter } from '@florin/shard-client';
import { readClusterFile, clusterFilePath, DEFAULT_DATA_DIR } from './cluster/cluster-file.js';
import { commandSecurity, type SecurityFlags } from './security-options.js';

export interface DataQuery {
  dataset: string;
  symbols: readonly string[];
  fields?: readonly string[];
  range: TimeRange;
}

/** What the read commands need from the cluster: reads, and a way to let go. */
export interface DataSource {
  readonly description: string;
  read(query: DataQuery, options?: { deadlineMs?: number }): Promise<SeriesFrame[]>;
  close(): void;
}

export interface TargetFlags extends Partial<ClientDiscoveryFlags>, SecurityFlags {
  /** Head nodes, as host:port or id=host:port (the id the head was started with): reads go to each key's owning head node. */
  heads?: string[];
  /** Shard addresses in shard-id order: reads go straight to the shards. */
  shards?: string[];
  /** Data directory of the local cluster, used when no address is given. */
  dataDir?: string;
}

/**
 * Connects to explicit head nodes or shards, or else to the local cluster
 * `florin up` runs (its head nodes, or its shards when it has none).
 */
export async function connectData(flags: TargetFlags): Promise<DataSource> {
  if (flags.heads && flags.shards) throw new Error('give --heads or --shards, not both');
  const security = await commandSecurity(flags);
  let heads = flags.heads;
  let shards = flags.shards;
  if (!heads && !shards) {
    const found = await clusterDiscovery(flags);
    if (found) {
      const connection = connect({ discovery: found.discovery, headServices: found.headServices, coordinatorService: null, security });
      return { description: `head nodes of ${found.description}`, read: (q, o) => connection.data.read(q, o), close: () => connection.close() };
    }
    const cluster = await readClusterFile(flags.dataDir ?? DEFAULT_DATA_DIR);
    if (cluster.heads.length > 0) heads = cluster.heads.map((h) => `${h.id}=${h.address}`);
    else shards = cluster.shards.filter((s) => (s.task ?? 0) === 0).map((s) => s.address);
  }
  if (heads) {
    const client = new DataClient({ heads: headTargets(heads), security });
    return { description: `head nodes ${heads.join(', ')}`, read: (q, o) => client.read(q, o), close: () => client.close() };
  }
  const router = new ShardRouter(shards!, { security });
  return { description: `shards ${shards!.join(', ')}`, read: (q, o) => router.read(q, o), close: () => router.close() };
}

/**
 * Head nodes as the SDK takes them: `id=host:port` entries become members
 * (so the SDK hashes the ids the heads hash), bare `host:port` stay addresses.
 */
export function headTargets(list: readonly string[]): (string | HeadMember)[] {
  return list.map((entry) => {
    const eq = entry.indexOf('=');
    return eq < 0 ? entry : { id: entry.slice(0, eq), address: entry.slice(eq + 1) };
  });
}

/**
 * The discovery a client command uses: its own --discovery flags, else the
 * local cluster's (from its cluster file, when it runs on discovery); undefined
 * when neither applies (then addresses are used).
 */
export async function clusterDiscovery(flags: TargetFlags): Promise<{ discovery: Discovery; headServices: string[]; coordinatorService: string; description: string } | undefined> {
  const headServices = flags.headServices ?? ['heads'];
  const coordinatorService = flags.coordinatorService ?? 'coordinator';
  const own = flags.discovery && flags.discovery !== 'static' ? flags : undefined;
  let chosen: ClientDiscoveryFlags | undefined = own ? { ...own, cloudmapNamespace: own.cloudmapNamespace ?? DEFAULT_NAMESPACE, headServices, coordinatorService } : undefined;
  let where = own ? `--discovery ${own.discovery}` : '';
  if (!chosen) {
    const dataDir = flags.dataDir ?? DEFAULT_DATA_DIR;
    let file;
    try {
      file = await readClusterFile(dataDir);
    } catch {
      return undefined; // connectData / connectJobs read it again and say what is wrong
    }
    if (!file.discovery) return undefined;
    chosen = { ...file.discovery, headServices, coordinatorService };
    where = `the local cluster (${clusterFilePath(dataDir)})`;
  }
  const discovery = discoveryFromFlags(chosen);
  if (!discovery) return undefined;
  await discovery.start();
  return { discovery, headServices, coordinatorService, description: where };
}
