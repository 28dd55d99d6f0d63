import { Command, Option } from 'commander';
import Table from 'cli-table3';
import { importFile, openStore, type ImportFormat } from '@florin/store';
import { positiveInt } from '../options.js';
import { DEFAULT_DATA_DIR, offlineDataDir } from '../cluster/cluster-file.js';
import { dataDirShards } from '../cluster/seed-market.js';

interface ImportFlags {
  dataset: string;
  store?: string;
  dataDir: string;
  shards?: number;
  format?: ImportFormat;
  frequency?: string;
  create: boolean;
  showRejections: number;
  json?: boolean;
}

export function dataImportCommand(): Command {
  return new Command('import')
    .description('load a CSV or Parquet file (symbol, date|ts, numeric fields...) into a dataset; reports loaded and rejected rows')
    .argument('<file>', 'CSV or Parquet file')
    .requiredOption('--dataset <name>', 'dataset to load into')
    .option('--store <spec>', 'target store (DuckDB path or postgres:// URL); default: the per-shard files of --data-dir')
    .option('--data-dir <dir>', 'data directory of per-shard DuckDB files (no cluster may be running on it)', DEFAULT_DATA_DIR)
    .option('--shards <n>', 'shard count of a new data directory (default: what the directory was built for, else 2)', positiveInt('--shards'))
    .addOption(new Option('--format <format>', 'file format (default: from the extension)').choices(['csv', 'parquet']))
    .option('--frequency <freq>', 'bar frequency of a dataset this import creates', '1d')
    .option('--no-create', 'fail with NOT_FOUND instead of creating a missing dataset')
    .option('--show-rejections <n>', 'rejected rows listed', positiveInt('--show-rejections'), 20)
    .option('--json', 'print the result as JSON')
    .action(async (file: string, flags: ImportFlags) => {
      const store = flags.store
        ? openStore(flags.store)
        : await offlineDataDir(flags.dataDir, flags.shards ?? (await dataDirShards(flags.dataDir)) ?? 2);
      try {
        await store.open();
        const result = await importFile(store, {
          dataset: flags.dataset,
          file,
          format: flags.format,
          frequency: flags.frequency,
          createIfMissing: flags.create,
        });
        // Exit 2 when rows were rejected, so scripts notice; the report says which and why.
        if (result.rowsRejected > 0) process.exitCode = 2;
        if (flags.json) {
          process.stdout.write(JSON.stringify(result) + '\n');
          return;
        }
        process.stdout.write(`${file}: ${result.rowsLoaded} rows loaded, ${result.rowsRejected} rows rejected\n`);
        if (result.rejections.length > 0) {
          const table = new Table({ head: ['line', 'reason'], style: { head: [], border: [] } });
          for (const r of result.rejections.slice(0, flags.showRejections)) table.push([String(r.line), r.reason]);
          process.stdout.write(table.toString() + '\n');
          if (result.rowsRejected > flags.showRejections) {
            process.stdout.write(`... and ${result.rowsRejected - flags.showRejections} more (--show-rejections N, or --json)\n`);
          }
        }
      } finally {
        await store.close();
      }
    });
}
