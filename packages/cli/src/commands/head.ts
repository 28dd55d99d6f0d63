import { Command, InvalidArgumentError, Option } from 'commander';
import { addListenOptions } from '../listen-options.js';
import { DEFAULT_HEAD_OPTIONS as HEAD_DEFAULTS, HeadServer, parseMembers, type HeadMember } from '@florin/head';
import { addLimitOptions, limitsFromFlags, type LimitFlags } from '../limit-options.js';
import { listArg, nonNegativeInt, positiveInt } from '../options.js';
import { observeHeadStats } from '@florin/telemetry';
import { addTelemetryOptions, startRoleTelemetry, type TelemetryFlags } from './telemetry-options.js';
import { announceReady, leaveCluster, stopOnSignals } from '../process-lifecycle.js';
import { addDrainNoticeOption, drainNoticeMs, type DrainFlags } from '../drain-options.js';
import { addDiscoveryOptions, advertisedAddress, type DiscoveryFlags } from '../discovery-options.js';
import { RoleDiscovery, roleAttributes } from '../role-discovery.js';
import { addSecurityOptions, roleSecurity, type SecurityFlags } from '../security-options.js';
import { addHeapGrowthOption, applyHeapGrowth, type HeapGrowthFlags } from '../heap-growth.js';

interface HeadFlags extends LimitFlags, TelemetryFlags, DiscoveryFlags, DrainFlags, SecurityFlags, HeapGrowthFlags {
  shards?: string[];
  nodeId?: string;
  id?: string;
  peers?: HeadMember[];
  host: string;
  port: number;
  cacheMb?: number;
  inflightMb?: number;
  answerMb?: number;
  maxReads?: number;
  lingerMs?: number;
  freshnessMs?: number;
  coalesce: boolean;
  cacheWrites: boolean;
  drainMs: number;
}

const MIB = 1024 * 1024;

export function headCommand(): Command {
  return addLimitOptions(
    addHeapGrowthOption(addSecurityOptions(addDrainNoticeOption(addDiscoveryOptions(addListenOptions(addTelemetryOptions(new Command('head'))))), 'server'))
      .description('serve the data service in front of the shards: coalesce overlapping reads, cache ranges, write through')
      .option('--shards <list>', 'shard addresses in shard-id order, comma-separated (without --discovery)', listArg)
      .addOption(new Option('--node-id <name>', "this head's stable id: hashed to decide the keys it owns, reported in stats (default head-<host>-<pid>)").env('FLORIN_ID'))
      .option('--id <name>', 'same as --node-id (older spelling)')
      .option(
        '--peers <list>',
        'every head of the logical server, this one included: id=host:port,id=host:port (keys other heads own are read from them)',
        (text: string) => parseFlag('--peers', () => parseMembers(text)),
      )
      .option('--cache-mb <n>', `byte bound of the range cache, MiB (default ${HEAD_DEFAULTS.cacheMaxBytes / MIB})`, positiveInt('--cache-mb'))
      .option('--inflight-mb <n>', `bound on bytes of upstream fetches in flight, MiB (default ${HEAD_DEFAULTS.maxInflightBytes / MIB})`, positiveInt('--inflight-mb'))
      .option('--answer-mb <n>', `bound on bytes of read answers queued for callers, MiB (default ${HEAD_DEFAULTS.maxAnswerBytes / MIB})`, positiveInt('--answer-mb'))
      .option('--max-reads <n>', `callers' reads served at once; more wait FIFO within their deadline (default ${HEAD_DEFAULTS.maxReads})`, positiveInt('--max-reads'))
      .option('--linger-ms <n>', `how long a miss waits for overlapping reads to join its fetch (default ${HEAD_DEFAULTS.lingerMs})`, nonNegativeInt('--linger-ms'))
      .option('--freshness-ms <n>', `live edge: data newer than now - this is never cached (default ${HEAD_DEFAULTS.freshnessMs})`, nonNegativeInt('--freshness-ms'))
      .option('--no-coalesce', 'turn aggregation and caching off: every read goes straight to the shards')
      .option('--no-cache-writes', 'do not cache what is written through this head (by default rows that are then all their chunks hold are cached as written)')
      .option('--drain-ms <n>', 'on SIGTERM, how long in-flight calls may take to finish', positiveInt('--drain-ms'), 10_000),
  ).action(async (flags: HeadFlags) => {
    if (flags.nodeId && flags.id && flags.nodeId !== flags.id) throw new Error('give --node-id or --id, not both');
    const nodeId = flags.nodeId ?? flags.id;
    if (flags.peers && !nodeId) throw new Error('--peers needs --node-id: the id this head has in the list');
    if (flags.peers && !flags.peers.some((m) => m.id === nodeId)) {
      throw new Error(`--peers must list this head (${nodeId}) too, e.g. ${nodeId}=<host>:<port>`);
    }
    applyHeapGrowth(flags.heapGrowthPercent);
    const security = roleSecurity('head', flags);
    const found = await RoleDiscovery.start(flags);
    if (!found && !flags.shards) throw new Error('give --shards (addresses) or --discovery (to find them)');
    if (found && (flags.shards || flags.peers)) throw new Error('--discovery finds the shards and peer heads: leave out --shards and --peers');
    if (found && !nodeId) throw new Error('with --discovery a head needs its stable id: --node-id (or FLORIN_ID)');
    const heads = found?.heads();
    const mib = (n: number | undefined): number | undefined => (n === undefined ? undefined : n * MIB);
    const telemetry = startRoleTelemetry(flags, 'head', nodeId ?? `head-${process.pid}`);
    const server = new HeadServer({
      shards: found ? await found.shards() : flags.shards,
      nodeId,
      ...(heads ? { membership: { selfId: nodeId!, members: () => heads.members(), onChange: (listener) => heads.onChange(listener) } } : { peers: flags.peers }),
      host: flags.host,
      port: flags.port,
      limits: limitsFromFlags(flags),
      cacheMaxBytes: mib(flags.cacheMb),
      maxInflightBytes: mib(flags.inflightMb),
      maxAnswerBytes: mib(flags.answerMb),
      maxReads: flags.maxReads,
      lingerMs: flags.lingerMs,
      freshnessMs: flags.freshnessMs,
      coalesce: flags.coalesce,
      cacheWrites: flags.cacheWrites,
      security: security.server,
      clientSecurity: security.client,
    });
    observeHeadStats(telemetry.meter, () => server.node.stats(), { 'florin.head.id': server.node.config.nodeId });
    stopOnSignals(async (signal) => {
      // Leave discovery first (clients and peers stop choosing this head) while still serving, then drain.
      if (signal === 'SIGTERM') await leaveCluster(server, found, drainNoticeMs(flags));
      await found?.close();
      await server.close(flags.drainMs);
      await telemetry.shutdown();
    });
    const { address, port } = await server.start();
    const id = server.node.config.nodeId;
    if (found) await found.register({ service: found.serviceFor('head'), id, address: advertisedAddress(flags, flags.host, port), attributes: roleAttributes.head(id) });
    announceReady({ role: 'head', id, address });
  });
}

function parseFlag<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new InvalidArgumentError(`${flag}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
