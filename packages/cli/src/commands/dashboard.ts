import { Command, Option } from 'commander';
import { KeySetSource, TokenVerifier } from '@florin/core';
import { addClientDiscoveryOptions, type ClientDiscoveryFlags } from '../discovery-options.js';
import { addListenOptions, type ListenFlags } from '../listen-options.js';
import { clusterDiscovery } from '../data-source.js';
import { DEFAULT_DATA_DIR, readClusterFile } from '../cluster/cluster-file.js';
import { DASHBOARD_LOGIN_TTL_MS, localSecurityFiles, mintLocalToken } from '../cluster/local-security.js';
import { runDashboard } from '../dashboard-runner.js';
import { stopOnSignals } from '../process-lifecycle.js';
import { addSecurityOptions, commandSecurity, type SecurityFlags } from '../security-options.js';

interface DashboardFlags extends ClientDiscoveryFlags, ListenFlags, SecurityFlags {
  dataDir: string;
  shardService: string;
}

/**
 * `florin dashboard`: the web dashboard of a cluster found through discovery
 * (default: the local cluster of `florin up`). On a secure cluster the page
 * needs a login: tokens are verified with --jwks (FLORIN_JWKS), or the local
 * cluster's keys, and for a local cluster a one-time admin login link is printed.
 */
export function dashboardCommand(): Command {
  const command = addClientDiscoveryOptions(addListenOptions(new Command('dashboard')))
    .description('serve the web dashboard (cluster, jobs, results, data) of a cluster found through discovery; default: the local cluster in --data-dir')
    .option('--data-dir <dir>', 'the local cluster whose discovery to follow when no --discovery is given', DEFAULT_DATA_DIR)
    .option('--shard-service <name>', 'discovery service that holds shards', 'shards');
  addSecurityOptions(command, 'client');
  return command
    .addOption(new Option('--jwks <file>', "public keys (JWKS) that verify the token a person logs in with (default: the local cluster's)").env('FLORIN_JWKS'))
    .action(async (flags: DashboardFlags) => {
      const found = await clusterDiscovery(flags);
      if (!found) {
        throw new Error(`no cluster to show: pass --discovery (local, dns, cloudmap) or start one with \`florin up\` (found no running cluster in ${flags.dataDir})`);
      }
      const security = await commandSecurity(flags);
      const local = await localClusterSecurity(flags.dataDir);
      const jwks = flags.jwks ?? local?.jwks;
      if (security?.tls && !jwks) throw new Error('florin dashboard: a secure cluster needs --jwks (FLORIN_JWKS) to verify the tokens people log in with');
      const run = await runDashboard(
        found.discovery,
        {
          host: flags.host,
          port: flags.port,
          headServices: found.headServices,
          coordinatorService: found.coordinatorService,
          shardService: flags.shardService,
          security,
          ...(security?.tls && jwks ? { auth: { tokens: new TokenVerifier(KeySetSource.fromFile(jwks)) } } : {}),
          ...(security?.tls && local ? { loginToken: () => mintLocalToken(local, 'admin', 'local-admin', DASHBOARD_LOGIN_TTL_MS) } : {}),
        },
        (line) => void process.stdout.write(line + '\n'),
      );
      stopOnSignals(() => run.close());
    });
}

/** The local cluster's security files when `dataDir` holds a running secure cluster. */
async function localClusterSecurity(dataDir: string) {
  try {
    return (await readClusterFile(dataDir)).security ? localSecurityFiles(dataDir) : undefined;
  } catch {
    return undefined;
  }
}
