import { Command } from 'commander';
import { addListenOptions } from '../listen-options.js';
import { HeadServer } from '@florin/head';
import { addLimitOptions, limitsFromFlags, type LimitFlags } from '../limit-options.js';
import { listArg, nonNegativeInt, positiveInt } from '../options.js';
import { observeHeadStats } from '@florin/telemetry';
import { addTelemetryOptions, startRoleTelemetry, type TelemetryFlags } from './telemetry-options.js';
import { announceReady, stopOnSignals } from '../process-lifecycle.js';

interface HeadFlags extends LimitFlags, TelemetryFlags {
  shards: string[];
  id?: string;
  host: string;
  port: number;
  cacheMb?: number;
  inflightMb?: number;
  lingerMs?: number;
  freshnessMs?: number;
  coalesce: boolean;
  drainMs: number;
}

export function headCommand(): Command {
  return addLimitOptions(
    addListenOptions(addTelemetryOptions(new Command('head')))
      .description('serve the data service in front of the shards: coalesce overlapping reads, cache ranges, write through')
      .requiredOption('--shards <list>', 'shard addresses in shard-id order, comma-separated', listArg)
      .option('--id <name>', 'node id reported in stats (default head-<host>-<pid>)')
      .option('--cache-mb <n>', 'byte bound of the range cache, MiB (default 512)', positiveInt('--cache-mb'))
      .option('--inflight-mb <n>', 'bound on bytes of upstream fetches in flight, MiB (default 256)', positiveInt('--inflight-mb'))
      .option('--linger-ms <n>', 'how long a miss waits for overlapping reads to join its fetch (default 2)', nonNegativeInt('--linger-ms'))
      .option('--freshness-ms <n>', 'live edge: data newer than now - this is never cached (default 600000)', nonNegativeInt('--freshness-ms'))
      .option('--no-coalesce', 'turn aggregation and caching off: every read goes straight to the shards')
      .option('--drain-ms <n>', 'on SIGTERM, how long in-flight calls may take to finish', positiveInt('--drain-ms'), 10_000),
  ).action(async (flags: HeadFlags) => {
    const mib = (n: number | undefined): number | undefined => (n === undefined ? undefined : n * 1024 * 1024);
    const telemetry = startRoleTelemetry(flags, 'head', flags.id ?? `head-${process.pid}`);
    const server = new HeadServer({
      shards: flags.shards,
      nodeId: flags.id,
      host: flags.host,
      port: flags.port,
      limits: limitsFromFlags(flags),
      cacheMaxBytes: mib(flags.cacheMb),
      maxInflightBytes: mib(flags.inflightMb),
      lingerMs: flags.lingerMs,
      freshnessMs: flags.freshnessMs,
      coalesce: flags.coalesce,
    });
    observeHeadStats(telemetry.meter, () => server.node.stats(), { 'florin.head.id': server.node.config.nodeId });
    stopOnSignals(async () => {
      await server.close(flags.drainMs);
      await telemetry.shutdown();
    });
    const { address } = await server.start();
    announceReady({ role: 'head', id: server.node.config.nodeId, address });
  });
}
