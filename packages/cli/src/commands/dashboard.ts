import { Command } from 'commander';
import { addClientDiscoveryOptions, type ClientDiscoveryFlags } from '../discovery-options.js';
import { addListenOptions, type ListenFlags } from '../listen-options.js';
import { clusterDiscovery } from '../data-source.js';
import { DEFAULT_DATA_DIR } from '../cluster/cluster-file.js';
import { runDashboard } from '../dashboard-runner.js';
import { stopOnSignals } from '../process-lifecycle.js';

interface DashboardFlags extends ClientDiscoveryFlags, ListenFlags {
  dataDir: string;
  shardService: string;
}

/** `florin dashboard`: the web dashboard of a cluster found through discovery (default: the local cluster of `florin up`). */
export function dashboardCommand(): Command {
  return addClientDiscoveryOptions(addListenOptions(new Command('dashboard')))
    .description('serve the web dashboard (cluster, jobs, results, data) of a cluster found through discovery; default: the local cluster in --data-dir')
    .option('--data-dir <dir>', 'the local cluster whose discovery to follow when no --discovery is given', DEFAULT_DATA_DIR)
    .option('--shard-service <name>', 'discovery service that holds shards', 'shards')
    .action(async (flags: DashboardFlags) => {
      const found = await clusterDiscovery(flags);
      if (!found) {
        throw new Error(`no cluster to show: pass --discovery (local, dns, cloudmap) or start one with \`florin up\` (found no running cluster in ${flags.dataDir})`);
      }
      const run = await runDashboard(
        found.discovery,
        { host: flags.host, port: flags.port, headServices: found.headServices, coordinatorService: found.coordinatorService, shardService: flags.shardService },
        (line) => void process.stdout.write(line + '\n'),
      );
      stopOnSignals(() => run.close());
    });
}
