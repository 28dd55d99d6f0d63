import type { Command } from 'commander';
import { nonNegativeInt, positiveInt } from '../options.js';
import { DEFAULT_DATA_DIR } from '../cluster/cluster-file.js';
import { DEFAULT_MARKET } from '../cluster/seed-market.js';
import type { LocalClusterOptions } from '../cluster/local-cluster.js';
import { coordinatorStoreFor } from '../cluster/server-store.js';

/** A --store URL, checked now (a clear error before any process starts). */
function coordinatorCheck(url: string): string {
  coordinatorStoreFor(url);
  return url;
}

export interface ClusterFlags {
  dataDir: string;
  shards: number;
  heads: number;
  symbols: number;
  years: number;
  seed: number;
  cacheMb?: number;
  qcus: number;
  units?: string;
  store?: string;
}

/** Flags shared by `florin up` and `florin demo`. */
export function addClusterOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'data directory (per-shard DuckDB files, cluster.json)', DEFAULT_DATA_DIR)
    .option('--shards <n>', 'shard processes', positiveInt('--shards'), 2)
    .option('--heads <n>', 'head-node processes', nonNegativeInt('--heads'), 2)
    .option('--symbols <n>', 'symbols in the sample market generated on first run', positiveInt('--symbols'), DEFAULT_MARKET.symbols)
    .option('--years <n>', 'years of daily bars in the sample market', positiveInt('--years'), DEFAULT_MARKET.years)
    .option('--seed <n>', 'seed of the sample market', nonNegativeInt('--seed'), DEFAULT_MARKET.seed)
    .option('--cache-mb <n>', 'head-node cache size in MiB', positiveInt('--cache-mb'))
    .option('--qcus <n>', 'QCU worker processes (0: no coordinator and no QCUs)', nonNegativeInt('--qcus'), 4)
    .option('--units <module>', 'unit module the QCUs load (default: the example units)')
    .option('--store <url>', 'run shards and the coordinator on this PostgreSQL database (postgres://...[?schema=name]), as on ECS; default: DuckDB files and SQLite in --data-dir');
}

export function clusterOptionsFromFlags(flags: ClusterFlags, log: (line: string) => void): LocalClusterOptions {
  return {
    dataDir: flags.dataDir,
    shards: flags.shards,
    heads: flags.heads,
    host: '127.0.0.1',
    market: { symbols: flags.symbols, years: flags.years, seed: flags.seed },
    headArgs: flags.cacheMb ? ['--cache-mb', String(flags.cacheMb)] : [],
    qcus: flags.qcus,
    units: flags.units,
    ...(flags.store ? { store: coordinatorCheck(flags.store) } : {}),
    log,
  };
}
