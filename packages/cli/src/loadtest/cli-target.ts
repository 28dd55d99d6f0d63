import { invalidArgument, type ClientSecurity, type TimeRange } from '@florin/core';
import { readClusterFile } from '../cluster/cluster-file.js';
import { connectLoadTarget, type LoadAddresses, type LoadMode } from './load-target.js';
import { assertLoopback } from './loopback.js';
import { discoverLoadAddresses, type LoadDiscoveryFlags } from './discovered-target.js';
import { probeUniverse } from './universe-probe.js';
import { marketOfManifest, readMarketManifest, universeFromMarket } from './universe.js';
import type { LoadUniverse } from './workload.js';

/** The target and universe flags of `florin loadtest`. */
export interface LoadTargetFlags extends Partial<LoadDiscoveryFlags> {
  heads?: string[];
  shards?: string[];
  dataDir: string;
  dataset?: string;
  fields?: string[];
  universe?: string[];
  from?: number;
  to?: number;
  deadlineMs: number;
}

/**
 * The addresses a load test uses: found through --discovery (as the role
 * processes find them; off-loopback targets only with --target-cluster naming
 * the cluster found), the explicit --heads / --shards (checked to be on
 * loopback before anything connects), or else the local cluster's, from
 * cluster.json in --data-dir.
 */
export async function resolveLoadAddresses(flags: LoadTargetFlags): Promise<LoadAddresses> {
  if (flags.discovery !== undefined && flags.discovery !== 'static') {
    if (flags.heads || flags.shards) throw invalidArgument('--discovery finds the heads and shards: leave out --heads and --shards');
    return discoverLoadAddresses(flags as LoadDiscoveryFlags);
  }
  if (flags.targetCluster !== undefined) throw invalidArgument('--target-cluster goes with --discovery: the cluster it names is the one discovery finds');
  // --heads takes host:port or id=host:port: the address is what must be on loopback.
  if (flags.heads) assertLoopback(flags.heads.map((h) => h.slice(h.indexOf('=') + 1)), '--heads');
  if (flags.shards) assertLoopback(flags.shards, '--shards');
  if (flags.heads || flags.shards) return { heads: flags.heads, shards: flags.shards };
  const cluster = await readClusterFile(flags.dataDir);
  return { heads: cluster.heads.map((h) => `${h.id}=${h.address}`), shards: cluster.shards.filter((s) => (s.task ?? 0) === 0).map((s) => s.address) };
}

/**
 * What the requests draw from. With --universe: those symbols of --dataset
 * (default bars), fields and bar width from the cluster's catalog, range
 * from --from/--to or probed from the first symbol's history (read without
 * caching). Otherwise: the sample market recorded in <data-dir>/market.json
 * (every symbol, field and trading day, generated from its parameters).
 */
export async function resolveLoadUniverse(flags: LoadTargetFlags, mode: LoadMode, addresses: LoadAddresses, security?: ClientSecurity): Promise<LoadUniverse> {
  if ((flags.from === undefined) !== (flags.to === undefined)) throw invalidArgument('give both --from and --to, or neither');
  const range: TimeRange | undefined = flags.from !== undefined ? { start: flags.from, end: flags.to! } : undefined;
  if (range && !(range.end > range.start)) throw invalidArgument('--to must be after --from');
  if (flags.universe) {
    const probe = connectLoadTarget(mode === 'direct' ? 'direct' : 'no-coalesce', addresses, security);
    try {
      return await probeUniverse(probe, { dataset: flags.dataset ?? 'bars', symbols: flags.universe, fields: flags.fields, range }, flags.deadlineMs);
    } finally {
      probe.close();
    }
  }
  const manifest = await readMarketManifest(flags.dataDir);
  if (!manifest) {
    throw invalidArgument(
      `${flags.dataDir} holds no sample market (market.json), so the symbols to read are unknown: ` +
        'pass --data-dir of the cluster `florin up` runs, or name them with --universe (and --dataset, --from, --to)',
    );
  }
  if (flags.dataset !== undefined && flags.dataset !== manifest.dataset) {
    throw invalidArgument(`the sample market in ${flags.dataDir} is dataset ${manifest.dataset}; to test ${flags.dataset}, name its symbols with --universe`);
  }
  const universe = universeFromMarket(marketOfManifest(manifest), flags.fields);
  return range ? { ...universe, range } : universe;
}
