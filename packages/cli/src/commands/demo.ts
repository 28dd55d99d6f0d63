import { Command } from 'commander';
import Table from 'cli-table3';
import { connect, type DataClient, type HeadStats, type JobsClient } from '@florin/client';
import { parseTime } from '@florin/core';
import { generateMarket } from '@florin/store';
import { LocalCluster } from '../cluster/local-cluster.js';
import { framesToTable } from '../output/frame-table.js';
import { runClusterDashboard } from '../dashboard-runner.js';
import { addClusterOptions, clusterOptionsFromFlags, type ClusterFlags } from './cluster-options.js';
import { printCluster } from './up.js';
import { followWithProgress } from './submit.js';
import { jobSummary } from '../output/job-view.js';

/** `npm start`: a local cluster, reads through the head nodes, and what aggregation did. */
export function demoCommand(): Command {
  return addClusterOptions(
    new Command('demo').description('start a local cluster, read series through the head nodes, print them and the aggregation stats, stop'),
  ).action(async (flags: ClusterFlags) => {
    const out = (text: string): void => void process.stdout.write(text);
    const log = (line: string): void => void process.stderr.write(line + '\n');
    const cluster = new LocalCluster(clusterOptionsFromFlags({ ...flags, heads: Math.max(1, flags.heads) }, log));
    try {
      const info = await cluster.start();
      out(`\nFlorin local cluster (data in ${info.dataDir}):\n`);
      printCluster(info, out);
      const dashboard = await runClusterDashboard(cluster, { enabled: flags.dashboard, port: flags.dashboardPort, jobs: flags.qcus > 0 }, (line) => out(line + '\n'));
      const connection = connect({ heads: info.heads.map((h) => ({ id: h.id, address: h.address })), coordinator: info.coordinator?.address, security: cluster.clientSecurity });
      try {
        await readSeries(connection.data, flags, out);
        if (connection.jobs) await runBacktest(connection.jobs, flags, out);
        out('\nWhat the head nodes did (reads by the demo and by the QCUs):\n');
        out(statsTable(await connection.data.stats()) + '\n');
      } finally {
        connection.close();
        await dashboard?.close();
      }
    } finally {
      await cluster.stop();
    }
    out('\ncluster stopped\n');
  });
}

async function readSeries(data: DataClient, flags: ClusterFlags, out: (t: string) => void): Promise<void> {
  // The same symbols and seed the cluster generated its sample market from.
  const market = generateMarket({ symbols: flags.symbols, years: flags.years, seed: flags.seed });
  const symbols = market.symbols.slice(0, 3);
  const dataset = market.dataset.name;
  const last = market.timestamps[market.timestamps.length - 1]!;
  const end = last + 86_400_000;
  const month = { start: end - 31 * 86_400_000, end };
  const frames = await data.read({ dataset, symbols, fields: ['open', 'high', 'low', 'close', 'volume'], range: month });
  out(`\nLast month of ${symbols.join(', ')} (${dataset}), read through the head nodes:\n`);
  out(framesToTable(frames, 6) + '\n');

  // Researchers' overlapping windows, all at once: 10 years, 5 years, 2 years, 1 year of close for 50 symbols.
  const universe = market.symbols.slice(0, Math.min(50, market.symbols.length));
  const first = market.timestamps[0]!;
  const windows = [10, 5, 2, 1].map((years) => ({ start: Math.max(first, parseTime(`${new Date(end).getUTCFullYear() - years}-01-01`)), end }));
  const started = performance.now();
  const answers = await Promise.all(
    windows.flatMap((range) => Array.from({ length: 25 }, () => data.read({ dataset, symbols: universe, fields: ['close'], range }))),
  );
  const ms = performance.now() - started;
  const points = answers.reduce((n, frames) => n + frames.reduce((m, f) => m + f.timestamps.length, 0), 0);
  out(`\n${answers.length} concurrent overlapping reads (50 symbols; 10y, 5y, 2y and 1y windows): ${points.toLocaleString('en-US')} points in ${ms.toFixed(0)} ms\n`);
}

/** The momentum backtest over the whole sample market: 12-1 momentum per symbol, then a long/short portfolio. */
async function runBacktest(jobs: JobsClient, flags: ClusterFlags, out: (t: string) => void): Promise<void> {
  const market = generateMarket({ symbols: flags.symbols, years: flags.years, seed: flags.seed });
  const first = market.timestamps[0]!;
  const end = market.timestamps[market.timestamps.length - 1]! + 86_400_000;
  out(`\nSubmitting the momentum backtest over all ${market.symbols.length} symbols (12-1 momentum per symbol, then a long/short portfolio):\n`);
  const handle = await jobs.submit({ unit: 'momentum', dataset: market.dataset.name, symbols: 'all', startMs: first, endMs: end, taskSize: 25 });
  const job = await followWithProgress(handle);
  out(jobSummary(job) + '\n');
  if (job.state !== 'succeeded') throw new Error(`the backtest job ended ${job.state}: ${job.error ?? ''}`);
}

function statsTable(stats: readonly HeadStats[]): string {
  const table = new Table({
    head: ['head node', 'requests', 'points served', 'upstream reqs', 'upstream points', 'joins', 'hits', 'partial', 'misses', 'cache MB', 'evictions'],
    style: { head: [], border: [] },
  });
  for (const s of stats) {
    table.push([
      s.nodeId,
      s.requests,
      s.pointsServed.toLocaleString('en-US'),
      s.upstreamRequests,
      s.upstreamPoints.toLocaleString('en-US'),
      s.joins,
      s.cacheHits,
      s.cachePartialHits,
      s.cacheMisses,
      (s.cacheBytes / 1024 / 1024).toFixed(1),
      s.evictions,
    ].map(String));
  }
  const served = stats.reduce((n, s) => n + s.pointsServed, 0);
  const upstream = stats.reduce((n, s) => n + s.upstreamPoints, 0);
  return `${table.toString()}\npoints served / points fetched upstream: ${(served / Math.max(1, upstream)).toFixed(1)}x`;
}
