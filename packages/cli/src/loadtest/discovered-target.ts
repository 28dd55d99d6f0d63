import { invalidArgument, unavailable } from '@florin/core';
import { FLORIN_PARTITION, FLORIN_SHARD_COUNT, type Discovery, type Member } from '@florin/discovery';
import { discoveryFromFlags, type ClientDiscoveryFlags } from '../discovery-options.js';
import type { LoadAddresses } from './load-target.js';
import { isLoopbackAddress } from './loopback.js';

/** The discovery flags of `florin loadtest` (the role commands' own, plus the shard service and the cluster's name). */
export interface LoadDiscoveryFlags extends ClientDiscoveryFlags {
  shardService: string;
  /** Allows targets off this machine: must equal the name of the cluster discovery finds. */
  targetCluster?: string;
}

/**
 * The name of the cluster a discovery configuration finds: the Cloud Map
 * namespace, the DNS domain, or the local registry directory. A load test
 * aimed off this machine must name it (--target-cluster), so a mistyped or
 * inherited FLORIN_* environment never floods a shared cluster unnoticed.
 */
export function clusterNameOf(flags: ClientDiscoveryFlags): string {
  switch (flags.discovery) {
    case 'cloudmap':
      return flags.cloudmapNamespace;
    case 'dns':
      return flags.dnsDomain ?? '';
    default:
      return flags.registryDir ?? '';
  }
}

/**
 * The load test's targets, found through discovery as the role processes
 * find them: every head of the head services (id=address), and one shard
 * task per partition (by FLORIN_PARTITION, in partition order). Targets off
 * loopback are refused unless --target-cluster names the cluster found.
 */
export async function discoverLoadAddresses(flags: LoadDiscoveryFlags): Promise<LoadAddresses> {
  const discovery = discoveryFromFlags(flags);
  if (!discovery) throw invalidArgument('--target-cluster goes with --discovery (the targets are found there)');
  try {
    await discovery.start();
    const heads = await membersOf(discovery, flags.headServices);
    const shards = shardsInOrder(await membersOf(discovery, [flags.shardService]), flags.shardService);
    if (heads.length === 0 && shards.length === 0) {
      throw unavailable(`discovery found no head nodes in ${flags.headServices.join(', ')} and no shards in ${flags.shardService}: is the cluster running?`);
    }
    const cluster = clusterNameOf(flags);
    const remote = [...heads.map((m) => m.address), ...shards].filter((a) => !isLoopbackAddress(a));
    if (flags.targetCluster !== undefined && flags.targetCluster !== cluster) {
      throw invalidArgument(`--target-cluster ${JSON.stringify(flags.targetCluster)} does not match the cluster discovery found (${JSON.stringify(cluster)}); nothing was sent`);
    }
    if (remote.length > 0 && flags.targetCluster === undefined) {
      throw invalidArgument(
        `refusing to load-test ${remote.length} member(s) off this machine (e.g. ${remote[0]}) of cluster ${JSON.stringify(cluster)}: ` +
          `the load test floods what it targets; name the cluster to confirm: --target-cluster ${cluster}`,
      );
    }
    return { heads: heads.map((m) => `${m.id}=${m.address}`), shards, ...(remote.length > 0 ? { cluster } : {}) };
  } finally {
    await discovery.close();
  }
}

async function membersOf(discovery: Discovery, services: readonly string[]): Promise<Member[]> {
  const answers = await Promise.all(services.map((s) => discovery.resolve(s)));
  const seen = new Map<string, Member>();
  for (const a of answers) for (const m of a.members) if (m.healthy && !seen.has(m.id)) seen.set(m.id, m);
  return [...seen.values()];
}

/** One healthy task per partition, in partition order; an incomplete set is UNAVAILABLE naming what is missing. */
function shardsInOrder(members: readonly Member[], service: string): string[] {
  if (members.length === 0) return [];
  const count = Number(members[0]!.attributes[FLORIN_SHARD_COUNT]);
  if (!Number.isSafeInteger(count) || count < 1) throw unavailable(`shard ${members[0]!.id} in ${service} has no valid ${FLORIN_SHARD_COUNT} attribute`);
  const byPartition = new Map<number, string>();
  for (const m of members) {
    const p = Number(m.attributes[FLORIN_PARTITION]);
    if (Number.isSafeInteger(p) && p >= 0 && p < count && !byPartition.has(p)) byPartition.set(p, m.address);
  }
  const missing = Array.from({ length: count }, (_, p) => p).filter((p) => !byPartition.has(p));
  if (missing.length > 0) throw unavailable(`discovery service ${service} has no shard for partition(s) ${missing.join(', ')} of ${count}`);
  return Array.from({ length: count }, (_, p) => byPartition.get(p)!);
}
