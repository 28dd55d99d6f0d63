import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import Table from 'cli-table3';
import type { ProcessStatsRow } from '@florin/telemetry';
import { positiveInt } from '../options.js';
import { readClusterFile, DEFAULT_DATA_DIR } from '../cluster/cluster-file.js';

interface StatsFlags {
  dataDir: string;
  once?: boolean;
  json?: boolean;
  intervalMs: number;
}

interface StatsAnswer {
  processes: ProcessStatsRow[];
}

/** What the in-cluster receiver of `florin up --telemetry` answers on its stats endpoint. */
async function fetchStats(url: string): Promise<StatsAnswer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as StatsAnswer;
}

const fixed = (value: number | null, digits: number, suffix = ''): string => (value === null ? '-' : `${value.toFixed(digits)}${suffix}`);

/** One row per process: the numbers an operator looks at first. */
export function statsTable(rows: readonly ProcessStatsRow[]): string {
  const table = new Table({ head: ['process', 'role', 'requests/s', 'p99 (ms, <=)', 'cache hit ratio', 'amplification', 'queue depth'], style: { head: [], border: [] } });
  for (const r of rows) {
    table.push([r.instance, r.role, r.requestsPerSec.toFixed(1), fixed(r.p99Ms, 1), fixed(r.cacheHitRatio === null ? null : r.cacheHitRatio * 100, 1, '%'), fixed(r.amplification, 3), fixed(r.queueDepth, 0)]);
  }
  return table.toString();
}

export function statsCommand(): Command {
  return new Command('stats')
    .description('a live table per process of the local cluster (florin up --telemetry): requests/s, p99, cache hit ratio, amplification, queue depth')
    .option('--data-dir <dir>', 'data directory of the local cluster', DEFAULT_DATA_DIR)
    .option('--once', 'print the table once and exit')
    .option('--json', 'print the rows as JSON (with --once: one JSON object)')
    .option('--interval-ms <n>', 'refresh interval of the live table', positiveInt('--interval-ms'), 2_000)
    .action(async (flags: StatsFlags) => {
      const cluster = await readClusterFile(flags.dataDir);
      const url = cluster.telemetry?.statsUrl;
      if (!url) {
        throw new Error(
          cluster.telemetry
            ? `the cluster in ${flags.dataDir} pushes telemetry to ${cluster.telemetry.endpoint}, not to a receiver of its own: look there, or restart it with \`florin up --telemetry\``
            : `the cluster in ${flags.dataDir} runs without telemetry: restart it with \`florin up --telemetry\``,
        );
      }
      for (;;) {
        const { processes } = await fetchStats(url);
        if (flags.json) process.stdout.write(JSON.stringify({ processes }) + '\n');
        else {
          if (!flags.once && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
          process.stdout.write(`${new Date().toISOString()}  (rates and p99 over the last metric export; hit ratio and amplification since each process started)\n`);
          process.stdout.write((processes.length > 0 ? statsTable(processes) : 'no metrics received yet (processes push every 2 s)') + '\n');
        }
        if (flags.once) return;
        await sleep(flags.intervalMs);
      }
    });
}
