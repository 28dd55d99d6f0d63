import { Command, Option } from 'commander';
import { openStore, type StoreSpec } from '@florin/store';
import { ShardServer } from '@florin/shard';
import { addLimitOptions, limitsFromFlags, type LimitFlags } from '../limit-options.js';
import { nonNegativeInt, positiveInt } from '../options.js';
import { addListenOptions } from '../listen-options.js';
import { observeShardStats } from '@florin/telemetry';
import { addTelemetryOptions, startRoleTelemetry, type TelemetryFlags } from './telemetry-options.js';
import { announceReady, leaveCluster, stopOnSignals } from '../process-lifecycle.js';
import { ShardWriter, addWriterLeaseOption, shardTaskId, type ShardWriterFlags } from '../shard-writer.js';
import { addDrainNoticeOption, drainNoticeMs, type DrainFlags } from '../drain-options.js';
import { addDiscoveryOptions, advertisedAddress, type DiscoveryFlags } from '../discovery-options.js';
import { RoleDiscovery, roleAttributes } from '../role-discovery.js';
import { addSecurityOptions, roleSecurity, type SecurityFlags } from '../security-options.js';

interface ShardFlags extends LimitFlags, DiscoveryFlags, DrainFlags, ShardWriterFlags, SecurityFlags {
  nodeId?: string;
  data: string;
  shardId: number;
  shardCount: number;
  host: string;
  port: number;
  drainMs: number;
  duckdbThreads?: number;
}

/** The store a shard serves: `--duckdb-threads` applies to a DuckDB file, not to PostgreSQL. */
function storeSpec(data: string, duckdbThreads: number | undefined): StoreSpec {
  if (duckdbThreads === undefined || /^postgres(ql)?:\/\//.test(data)) return data;
  return { kind: 'duckdb', path: data.startsWith('duckdb:') ? data.slice('duckdb:'.length) : data, threads: duckdbThreads };
}

export function shardCommand(): Command {
  return addLimitOptions(
    addSecurityOptions(addWriterLeaseOption(addDrainNoticeOption(addDiscoveryOptions(addListenOptions(addTelemetryOptions(new Command('shard')))))), 'server')
      .description('serve one partition of the data over gRPC (single writer of its partition)')
      .requiredOption('--data <store>', 'DuckDB file (path or duckdb:<path>) or a postgres:// URL')
      .addOption(new Option('--shard-id <n>', 'this shard id (its partition), 0 <= id < shard count').env('FLORIN_PARTITION').argParser(nonNegativeInt('--shard-id')).makeOptionMandatory())
      .addOption(new Option('--shard-count <n>', 'number of shards (partitions) in the cluster').env('FLORIN_SHARD_COUNT').argParser(positiveInt('--shard-count')).makeOptionMandatory())
      .addOption(new Option('--node-id <name>', 'id this shard task registers with in discovery (default shard-<shard id>); when several tasks serve one partition, give each its own, e.g. shard-0@{address} ({address} becomes the registered address)').env('FLORIN_ID'))
      .option('--drain-ms <n>', 'on SIGTERM, how long in-flight calls may take to finish', positiveInt('--drain-ms'), 10_000)
      .option('--duckdb-threads <n>', "DuckDB worker threads (default: DuckDB's own, one per core)", positiveInt('--duckdb-threads')),
  ).action(async (flags: ShardFlags & TelemetryFlags) => {
    if (flags.shardId >= flags.shardCount) throw new Error(`--shard-id ${flags.shardId} must be below --shard-count ${flags.shardCount}`);
    const security = roleSecurity('shard', flags);
    const found = await RoleDiscovery.start(flags);
    const telemetry = startRoleTelemetry(flags, 'shard', `shard-${flags.shardId}`);
    const store = openStore(storeSpec(flags.data, flags.duckdbThreads));
    const writer = new ShardWriter(store, flags.shardId, flags.writerLeaseMs);
    const server = new ShardServer({
      store,
      writer,
      shardId: flags.shardId,
      shardCount: flags.shardCount,
      host: flags.host,
      port: flags.port,
      limits: limitsFromFlags(flags),
      security: security.server,
    });
    observeShardStats(telemetry.meter, () => server.stats(), { 'florin.shard.id': flags.shardId });
    stopOnSignals(async (signal) => {
      // Leave discovery first (heads stop choosing this shard) while still serving, then drain.
      if (signal === 'SIGTERM') {
        // Hand the writer lease over first: a standby task of this partition takes it at its next poll.
        await writer.close();
        await leaveCluster(server, found, drainNoticeMs(flags));
      }
      await found?.close();
      await server.close(flags.drainMs);
      await writer.close();
      await store.close();
      await telemetry.shutdown();
    });
    const { address, port } = await server.start();
    const advertised = advertisedAddress(flags, flags.host, port);
    const id = shardTaskId(flags.nodeId ?? `shard-${flags.shardId}`, advertised);
    // The lease holder names this very task (an id shared across restarts gets the address added).
    await writer.start(id.includes('@') ? id : `${id}@${advertised}`);
    if (found) await found.register({ service: found.serviceFor('shard'), id, address: advertised, attributes: roleAttributes.shard(id, flags.shardId, flags.shardCount) });
    announceReady({ role: 'shard', id: String(flags.shardId), address });
  });
}
