import { networkInterfaces } from 'node:os';
import { Option, type Command } from 'commander';
import { hostPort } from '@florin/core';
import { createDiscovery, localRegistryDirectory, type Discovery } from '@florin/discovery';
import { listArg } from './options.js';

export type DiscoveryKindFlag = 'static' | 'local' | 'dns' | 'cloudmap';

/** The flags of a command that calls the cluster. */
export interface ClientDiscoveryFlags {
  discovery?: DiscoveryKindFlag;
  registryDir?: string;
  cloudmapNamespace: string;
  cloudmapEndpoint?: string;
  cloudmapRegion?: string;
  cloudmapOwnerAccount?: string;
  dnsDomain?: string;
  headServices: string[];
  coordinatorService: string;
}

/** The flags of a role process, which also registers itself. */
export interface DiscoveryFlags extends ClientDiscoveryFlags {
  registerIn?: string;
  shardService: string;
  advertise?: string;
}

/** The Cloud Map namespace a local cluster uses unless told otherwise. */
export const DEFAULT_NAMESPACE = 'florin.local';

/**
 * How a process finds its peers (and announces itself): the backend and its
 * settings, each with a FLORIN_* environment default (what the CDK app sets in
 * task definitions). Without --discovery, a process takes addresses from its
 * flags (static).
 */
export function addDiscoveryOptions(command: Command): Command {
  return addClientDiscoveryOptions(command)
    .addOption(new Option('--register-in <service>', "discovery service this process registers in (default: its role's: shards, heads, coordinator)").env('FLORIN_CLOUDMAP_SERVICE'))
    .addOption(new Option('--shard-service <name>', 'discovery service that holds shards').env('FLORIN_SHARD_SERVICE').default('shards'))
    .addOption(new Option('--advertise <host:port>', "address to register (default: the bound address; with --host 0.0.0.0, this machine's first non-loopback IPv4)").env('FLORIN_ADVERTISE'));
}

/** The discovery flags of a command that only calls the cluster (data get, submit, jobs): how to find heads and the coordinator. */
export function addClientDiscoveryOptions(command: Command): Command {
  return command
    .addOption(new Option('--discovery <kind>', 'find peers through discovery: local (a registry directory on this machine), dns, or cloudmap').choices(['static', 'local', 'dns', 'cloudmap']).env('FLORIN_DISCOVERY'))
    .addOption(new Option('--registry-dir <dir>', 'local discovery: the registry directory (florin up uses <data-dir>/discovery)').env('FLORIN_REGISTRY_DIR'))
    .addOption(new Option('--cloudmap-namespace <name>', 'Cloud Map HTTP namespace').env('FLORIN_CLOUDMAP_NAMESPACE').default(DEFAULT_NAMESPACE))
    .addOption(new Option('--cloudmap-endpoint <url>', "Cloud Map API endpoint other than AWS's (a local server that speaks the API)").env('FLORIN_CLOUDMAP_ENDPOINT'))
    .addOption(new Option('--cloudmap-region <region>', 'Cloud Map region (default AWS_REGION, else us-east-1)').env('FLORIN_CLOUDMAP_REGION'))
    .addOption(new Option('--cloudmap-owner-account <id>', 'account that owns a namespace shared with this one').env('FLORIN_CLOUDMAP_OWNER_ACCOUNT'))
    .addOption(new Option('--dns-domain <domain>', 'dns discovery: SRV records _<service>._tcp.<domain>').env('FLORIN_DNS_DOMAIN'))
    .addOption(new Option('--head-services <list>', 'discovery services that hold head nodes, comma-separated').env('FLORIN_HEAD_SERVICES').argParser(listArg).default(['heads']))
    .addOption(new Option('--coordinator-service <name>', 'discovery service that holds the coordinator').env('FLORIN_COORDINATOR_SERVICE').default('coordinator'));
}

/** The discovery the flags ask for, or undefined (static addresses from flags). */
export function discoveryFromFlags(flags: ClientDiscoveryFlags): Discovery | undefined {
  switch (flags.discovery) {
    case undefined:
    case 'static':
      return undefined;
    case 'local':
      if (!flags.registryDir) throw new Error('--discovery local needs --registry-dir (florin up passes <data-dir>/discovery)');
      return createDiscovery({ kind: 'local', directory: flags.registryDir });
    case 'dns':
      if (!flags.dnsDomain) throw new Error('--discovery dns needs --dns-domain');
      return createDiscovery({ kind: 'dns', mode: 'srv', domain: flags.dnsDomain });
    case 'cloudmap':
      return createDiscovery({
        kind: 'cloudmap',
        namespace: flags.cloudmapNamespace,
        ...(flags.cloudmapEndpoint ? { endpoint: flags.cloudmapEndpoint } : {}),
        ...(flags.cloudmapEndpoint && isLoopbackUrl(flags.cloudmapEndpoint) ? { credentials: localCredentials() } : {}),
        ...(flags.cloudmapRegion ? { region: flags.cloudmapRegion } : {}),
        ...(flags.cloudmapOwnerAccount ? { ownerAccount: flags.cloudmapOwnerAccount } : {}),
      });
  }
}

/** The flags that make a child process use the same discovery (what florin up passes on). */
export function discoveryArgs(flags: Pick<DiscoveryFlags, 'discovery' | 'registryDir' | 'cloudmapNamespace' | 'cloudmapEndpoint' | 'cloudmapRegion'>): string[] {
  const args: string[] = [];
  if (flags.discovery) args.push('--discovery', flags.discovery);
  if (flags.registryDir) args.push('--registry-dir', flags.registryDir);
  if (flags.discovery === 'cloudmap') {
    args.push('--cloudmap-namespace', flags.cloudmapNamespace);
    if (flags.cloudmapEndpoint) args.push('--cloudmap-endpoint', flags.cloudmapEndpoint);
    if (flags.cloudmapRegion) args.push('--cloudmap-region', flags.cloudmapRegion);
  }
  return args;
}

/** The local registry of a data directory. */
export { localRegistryDirectory };

function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/**
 * With a local endpoint (a server on loopback that speaks the API), the SDK's
 * credential chain would look for AWS credentials this machine does not have:
 * use the environment's when set, else fixed local ones.
 */
function localCredentials(): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
  if (AWS_ACCESS_KEY_ID && AWS_SECRET_ACCESS_KEY) return { accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY, ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}) };
  return { accessKeyId: 'local', secretAccessKey: 'local' };
}

/** The address to register for a server bound at `bound` (host:port). */
export function advertisedAddress(flags: Pick<DiscoveryFlags, 'advertise'>, host: string, port: number): string {
  if (flags.advertise) return flags.advertise;
  if (host !== '0.0.0.0' && host !== '::') return hostPort(host, port);
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return hostPort(a.address, port);
  }
  return hostPort('127.0.0.1', port);
}
