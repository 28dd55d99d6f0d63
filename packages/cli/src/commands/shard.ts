import { Command } from 'commander';
import { openStore, type StoreSpec } from '@florin/store';
import { ShardServer } from '@florin/shard';
import { addLimitOptions, limitsFromFlags, type LimitFlags } from '../limit-options.js';
import { nonNegativeInt, positiveInt } from '../options.js';
import { addListenOptions } from '../listen-options.js';
import { observeShardStats } from '@florin/telemetry';
import { addTelemetryOptions, startRoleTelemetry, type TelemetryFlags } from './telemetry-options.js';
import { announceReady, stopOnSignals } from '../process-lifecycle.js';

interface ShardFlags extends LimitFlags {
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
    addListenOptions(addTelemetryOptions(new Command('shard')))
      .description('serve one partition of the data over gRPC (single writer of its partition)')
      .requiredOption('--data <store>', 'DuckDB file (path or duckdb:<path>) or a postgres:// URL')
      .requiredOption('--shard-id <n>', 'this shard id, 0 <= id < shard count', nonNegativeInt('--shard-id'))
      .requiredOption('--shard-count <n>', 'number of shards in the cluster', positiveInt('--shard-count'))
      .option('--drain-ms <n>', 'on SIGTERM, how long in-flight calls may take to finish', positiveInt('--drain-ms'), 10_000)
      .option('--duckdb-threads <n>', "DuckDB worker threads (default: DuckDB's own, one per core)", positiveInt('--duckdb-threads')),
  ).action(async (flags: ShardFlags & TelemetryFlags) => {
    const telemetry = startRoleTelemetry(flags, 'shard', `shard-${flags.shardId}`);
    const store = openStore(storeSpec(flags.data, flags.duckdbThreads));
    const server = new ShardServer({
      store,
      shardId: flags.shardId,
      shardCount: flags.shardCount,
      host: flags.host,
      port: flags.port,
      limits: limitsFromFlags(flags),
    });
    observeShardStats(telemetry.meter, () => server.stats(), { 'florin.shard.id': flags.shardId });
    stopOnSignals(async () => {
      await server.close(flags.drainMs);
      await store.close();
      await telemetry.shutdown();
    });
    const { address } = await server.start();
    announceReady({ role: 'shard', id: String(flags.shardId), address });
  });
}
