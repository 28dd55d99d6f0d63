import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { generateMarket, openStore } from '@florin/store';
import { nonNegativeInt, positiveInt } from '../options.js';
import { DEFAULT_MARKET, recordMarket, writeMarket } from '../cluster/seed-market.js';
import { DEFAULT_DATA_DIR, offlineDataDir } from '../cluster/cluster-file.js';

interface GenerateFlags {
  dataDir: string;
  shards: number;
  store?: string;
  symbols: number;
  years: number;
  seed: number;
  end?: string;
  dataset: string;
}

export function dataGenerateCommand(): Command {
  return new Command('generate')
    .description('generate a deterministic synthetic market (daily OHLCV) into per-shard DuckDB files or one store')
    .option('--data-dir <dir>', 'directory of per-shard DuckDB files', DEFAULT_DATA_DIR)
    .option('--shards <n>', 'shards to partition over', positiveInt('--shards'), 2)
    .option('--store <spec>', 'write everything to this one store instead (DuckDB path or postgres:// URL)')
    .option('--symbols <n>', 'number of symbols', positiveInt('--symbols'), DEFAULT_MARKET.symbols)
    .option('--years <n>', 'years of daily bars', positiveInt('--years'), DEFAULT_MARKET.years)
    .option('--seed <n>', 'random seed (same seed, same bits)', nonNegativeInt('--seed'), DEFAULT_MARKET.seed)
    .option('--end <date>', 'last calendar day, YYYY-MM-DD (default 2025-12-31)')
    .option('--dataset <name>', 'dataset name', 'bars')
    .action(async (flags: GenerateFlags) => {
      const market = generateMarket({ symbols: flags.symbols, years: flags.years, seed: flags.seed, end: flags.end, dataset: flags.dataset });
      const store = flags.store ? openStore(flags.store) : await offlineDataDir(flags.dataDir, flags.shards);
      const bar = new SingleBar({ format: 'generating [{bar}] {percentage}% | {value}/{total} rows | ETA {eta}s' }, Presets.shades_classic);
      bar.start(market.rowCount, 0);
      try {
        await store.open();
        const rows = await writeMarket(market, store, (n) => bar.update(n));
        bar.stop();
        if (!flags.store && flags.dataset === 'bars' && flags.end === undefined) {
          await recordMarket(flags.dataDir, { symbols: flags.symbols, years: flags.years, seed: flags.seed, dataset: flags.dataset, shards: flags.shards, rows });
        }
        process.stdout.write(
          `wrote ${rows} rows: ${market.symbols.length} symbols x ${market.timestamps.length} trading days of ${market.dataset.name} (${market.dataset.fields.join(', ')}) to ${flags.store ?? `${flags.shards} shard files in ${flags.dataDir}`}\n`,
        );
      } finally {
        bar.stop();
        await store.close();
      }
    });
}
