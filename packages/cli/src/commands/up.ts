import { Command } from 'commander';
import Table from 'cli-table3';
import { LocalCluster } from '../cluster/local-cluster.js';
import type { ClusterFile } from '../cluster/cluster-file.js';
import { runClusterDashboard, type DashboardRun } from '../dashboard-runner.js';
import { addClusterOptions, clusterOptionsFromFlags, type ClusterFlags } from './cluster-options.js';

export function printCluster(info: ClusterFile, write: (text: string) => void): void {
  const table = new Table({ head: ['process', 'listens on', 'pid'], style: { head: [], border: [] } });
  for (const s of info.shards) table.push([s.task === undefined ? `shard ${s.id}` : `shard ${s.id} task ${s.task}`, s.address, String(s.pid)]);
  for (const h of info.heads) table.push([h.id, h.address, String(h.pid)]);
  if (info.coordinator) table.push(['coordinator', info.coordinator.address, String(info.coordinator.pid)]);
  for (const q of info.qcus) table.push([q.id, '(leases from the coordinator)', String(q.pid)]);
  write(table.toString() + '\n');
  if (info.telemetry) write(`telemetry: every process pushes to ${info.telemetry.endpoint}${info.telemetry.statsUrl ? ' (the cluster\'s own receiver: `florin stats`)' : ''}\n`);
  const d = info.discovery;
  if (info.security) write(`security: TLS with the local CA ${info.security.ca}; this CLI uses the admin token ${info.security.tokenFile}; for people: florin token issue --role researcher --ttl 8h\n`);
  else write('security: none (--plaintext)\n');
  if (d) write(`discovery: ${d.discovery === 'local' ? `local registry ${d.registryDir}` : `Cloud Map ${d.cloudmapEndpoint} namespace ${d.cloudmapNamespace}`} (processes that die are restarted and found again)\n`);
}

export function upCommand(): Command {
  return addClusterOptions(
    new Command('up').description('start a local cluster (shards over per-shard DuckDB files, head nodes); Ctrl-C stops it'),
  ).action(async (flags: ClusterFlags) => {
    const log = (line: string): void => void process.stderr.write(line + '\n');
    const cluster = new LocalCluster(clusterOptionsFromFlags(flags, log));
    // Set once the dashboard runs; stop() closes it before the cluster.
    const started: { dashboard?: DashboardRun } = {};
    let stopping = false;
    const stop = (why: string, code: number): void => {
      if (stopping) return;
      stopping = true;
      log(`${why}; stopping the cluster`);
      Promise.resolve(started.dashboard?.close())
        .then(() => cluster.stop())
        .then(
        () => {
          log('all processes stopped');
          process.exit(code);
        },
        (err: unknown) => {
          log(`stop failed: ${String(err)}`);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT', 0));
    process.on('SIGTERM', () => stop('SIGTERM', 0));
    const info = await cluster.start();
    process.stdout.write(`Florin local cluster is up (data in ${info.dataDir}). Ctrl-C stops it.\n`);
    printCluster(info, (t) => process.stdout.write(t));
    started.dashboard = await runClusterDashboard(cluster, { enabled: flags.dashboard, port: flags.dashboardPort, jobs: flags.qcus > 0 }, (line) => void process.stdout.write(line + '\n'));
    // A process that dies is restarted (with backoff, at a new port) and found again through discovery.
  });
}
