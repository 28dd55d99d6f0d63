import { addSecurityOptions } from '../security-options.js';
import { Command, Option } from 'commander';
import { connectData, type TargetFlags } from '../data-source.js';
import { addClientDiscoveryOptions } from '../discovery-options.js';
import { listArg, positiveInt, timeArg } from '../options.js';
import { framesToCsv, framesToTable } from '../output/frame-table.js';

interface GetFlags extends TargetFlags {
  dataset: string;
  symbols: string[];
  fields?: string[];
  from: number;
  to: number;
  format: 'table' | 'csv';
  rows: number;
  deadlineMs: number;
}

export function dataGetCommand(): Command {
  return addSecurityOptions(addClientDiscoveryOptions(new Command('get')), 'client')
    .description('read series through the cluster and print them as a table or CSV')
    .requiredOption('--symbols <list>', 'comma-separated symbols, e.g. AAPL,MSFT', listArg)
    .requiredOption('--from <time>', 'range start (inclusive): YYYY-MM-DD, ISO-8601 or epoch ms', timeArg)
    .requiredOption('--to <time>', 'range end (exclusive): YYYY-MM-DD, ISO-8601 or epoch ms', timeArg)
    .option('--dataset <name>', 'dataset to read', 'bars')
    .option('--fields <list>', 'comma-separated fields (default: all)', listArg)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv']).default('table'))
    .option('--rows <n>', 'table only: most rows shown per symbol', positiveInt('--rows'), 20)
    .option('--deadline-ms <n>', 'deadline of the read', positiveInt('--deadline-ms'), 30_000)
    .option('--heads <list>', 'head-node addresses (default: the local cluster)', listArg)
    .option('--shards <list>', 'read straight from these shard addresses, in shard-id order', listArg)
    .option('--data-dir <dir>', 'data directory of the local cluster', '.florin')
    .action(async (flags: GetFlags) => {
      const source = await connectData(flags);
      try {
        const frames = await source.read(
          { dataset: flags.dataset, symbols: flags.symbols, fields: flags.fields, range: { start: flags.from, end: flags.to } },
          { deadlineMs: flags.deadlineMs },
        );
        process.stdout.write(flags.format === 'csv' ? framesToCsv(frames) : framesToTable(frames, flags.rows) + '\n');
      } finally {
        source.close();
      }
    });
}
