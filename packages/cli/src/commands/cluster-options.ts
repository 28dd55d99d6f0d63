import { Option, type Command } from 'commander';
import { DEFAULT_NAMESPACE } from '../discovery-options.js';
import { nonNegativeInt, positiveInt } from '../options.js';
import { DEFAULT_DATA_DIR } from '../cluster/cluster-file.js';
import { DEFAULT_MARKET } from '../cluster/seed-market.js';
import type { LocalClusterOptions, LocalDiscovery } from '../cluster/local-cluster.js';
import { coordinatorStoreFor } from '../cluster/server-store.js';

/** A --store URL, checked now (a clear error before any process starts). */
function coordinatorCheck(url: string): string {
  coordinatorStoreFor(url);
  return url;
}

export interface ClusterFlags {
  dataDir: string;
  shards: number;
  shardTasks: number;
  heads: number;
  symbols: number;
  years: number;
  seed: number;
  cacheMb?: number;
  qcus: number;
  units?: string;
  store?: string;
  discovery: 'local' | 'cloudmap';
  cloudmapEndpoint?: string;
  cloudmapNamespace?: string;
  telemetry?: boolean;
  telemetryEndpoint?: string;
  /** --no-dashboard turns the web dashboard off. */
  dashboard: boolean;
  dashboardPort: number;
  plaintext?: boolean;
}

/** Flags shared by `florin up` and `florin demo`. */
export function addClusterOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'data directory (per-shard DuckDB files, cluster.json)', DEFAULT_DATA_DIR)
    .option('--shards <n>', 'shard partitions (one process each, or --shard-tasks)', positiveInt('--shards'), 2)
    .option('--shard-tasks <n>', 'shard processes per partition (more than 1 needs --store postgres://: one of them is the writer, by a lease in the store)', positiveInt('--shard-tasks'), 1)
    .option('--heads <n>', 'head-node processes', nonNegativeInt('--heads'), 2)
    .option('--symbols <n>', 'symbols in the sample market generated on first run', positiveInt('--symbols'), DEFAULT_MARKET.symbols)
    .option('--years <n>', 'years of daily bars in the sample market', positiveInt('--years'), DEFAULT_MARKET.years)
    .option('--seed <n>', 'seed of the sample market', nonNegativeInt('--seed'), DEFAULT_MARKET.seed)
    .option('--cache-mb <n>', 'head-node cache size in MiB', positiveInt('--cache-mb'))
    .option('--qcus <n>', 'QCU worker processes (0: no coordinator and no QCUs)', nonNegativeInt('--qcus'), 4)
    .option('--units <module>', 'unit module the QCUs load (default: the example units)')
    .addOption(new Option('--discovery <kind>', 'how the processes find each other: local (a registry in --data-dir) or cloudmap (the Cloud Map API at --cloudmap-endpoint)').choices(['local', 'cloudmap']).default('local'))
    .option('--cloudmap-endpoint <url>', 'with --discovery cloudmap: the endpoint of a server that speaks the Cloud Map API')
    .option('--cloudmap-namespace <name>', `with --discovery cloudmap: the HTTP namespace (default ${DEFAULT_NAMESPACE}; created with its services when missing)`)
    .option('--telemetry', 'run an OTLP receiver in the cluster and point every process at it (`florin stats` shows what it receives)')
    .option('--telemetry-endpoint <host:port>', 'point every process at this OTLP/gRPC collector instead')
    .option('--no-dashboard', 'do not start the web dashboard')
    .option('--dashboard-port <n>', 'port of the web dashboard on 127.0.0.1 (0 picks a free one)', nonNegativeInt('--dashboard-port'), 0)
    .option('--plaintext', 'run the cluster without TLS and tokens (default: a local CA, certificates and tokens under --data-dir)')
    .option('--store <url>', 'run shards and the coordinator on this PostgreSQL database (postgres://...[?schema=name]), as on ECS; default: DuckDB files and SQLite in --data-dir');
}

export function clusterOptionsFromFlags(flags: ClusterFlags, log: (line: string) => void): LocalClusterOptions {
  return {
    dataDir: flags.dataDir,
    shards: flags.shards,
    shardTasks: flags.shardTasks,
    heads: flags.heads,
    host: '127.0.0.1',
    market: { symbols: flags.symbols, years: flags.years, seed: flags.seed },
    secure: flags.plaintext !== true,
    headArgs: flags.cacheMb ? ['--cache-mb', String(flags.cacheMb)] : [],
    qcus: flags.qcus,
    units: flags.units,
    ...(flags.store ? { store: coordinatorCheck(flags.store) } : {}),
    discovery: localDiscovery(flags),
    ...(flags.telemetryEndpoint ? { telemetry: { endpoint: flags.telemetryEndpoint } } : flags.telemetry ? { telemetry: 'local' as const } : {}),
    log,
  };
}

function localDiscovery(flags: ClusterFlags): LocalDiscovery {
  if (flags.discovery !== 'cloudmap') {
    if (flags.cloudmapEndpoint || flags.cloudmapNamespace) throw new Error('--cloudmap-endpoint and --cloudmap-namespace go with --discovery cloudmap');
    return { kind: 'local' };
  }
  if (!flags.cloudmapEndpoint) throw new Error('--discovery cloudmap needs --cloudmap-endpoint (a server that speaks the Cloud Map API)');
  return { kind: 'cloudmap', endpoint: flags.cloudmapEndpoint, ...(flags.cloudmapNamespace ? { namespace: flags.cloudmapNamespace } : {}) };
}
