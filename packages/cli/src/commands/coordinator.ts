import { Command, Option } from 'commander';
import { runCoordinator } from '@florin/coordinator';
import type { GrantKey } from '@florin/core';
import { observeCoordinator } from '@florin/telemetry';
import { nonNegativeInt, positiveInt } from '../options.js';
import { addListenOptions } from '../listen-options.js';
import { addTelemetryOptions, startRoleTelemetry, type TelemetryFlags } from './telemetry-options.js';
import { announceReady, leaveCluster, stopOnSignals } from '../process-lifecycle.js';
import { addDrainNoticeOption, drainNoticeMs, type DrainFlags } from '../drain-options.js';
import { addDiscoveryOptions, advertisedAddress, type DiscoveryFlags } from '../discovery-options.js';
import { RoleDiscovery, roleAttributes } from '../role-discovery.js';
import { runDashboard, type DashboardRun } from '../dashboard-runner.js';
import { addCallerLimitOptions, callerLimitsFromFlags, type CallerLimitFlags } from '../limit-options.js';
import { addSecurityOptions, grantKeyOf, roleSecurity, type SecurityFlags } from '../security-options.js';

interface CoordinatorFlags extends DiscoveryFlags, DrainFlags, SecurityFlags, CallerLimitFlags {
  nodeId?: string;
  store: string;
  host: string;
  port: number;
  leaseMs?: number;
  maxAttempts?: number;
  drainMs: number;
  dashboardPort?: number;
}

export function coordinatorCommand(): Command {
  return addCallerLimitOptions(addSecurityOptions(addDrainNoticeOption(addDiscoveryOptions(addListenOptions(addTelemetryOptions(new Command('coordinator'))))), 'server'))
    .description('serve the job service (SDK, CLI) and the work service (QCUs), with durable state')
    .option('--store <spec>', 'state: sqlite:<path> (embedded default), a .sqlite/.db path, or a postgres:// URL', 'sqlite:.florin/coordinator.sqlite')
    .option('--lease-ms <n>', 'default task lease (a QCU that dies is detected within it)', positiveInt('--lease-ms'))
    .option('--max-attempts <n>', 'default attempts per task', positiveInt('--max-attempts'))
    .option('--drain-ms <n>', 'on SIGTERM, how long in-flight calls may take to finish', positiveInt('--drain-ms'), 5_000)
    .addOption(new Option('--dashboard-port <n>', 'also serve the web dashboard on this port (off unless given; needs --discovery)').env('FLORIN_DASHBOARD_PORT').argParser(nonNegativeInt('--dashboard-port')))
    .addOption(new Option('--node-id <name>', 'id the coordinator registers with in discovery (default coordinator)').env('FLORIN_ID'))
    .action(async (flags: CoordinatorFlags & TelemetryFlags) => {
      const security = roleSecurity('coordinator', flags);
      const found = await RoleDiscovery.start(flags);
      if (flags.dashboardPort !== undefined && !found) throw new Error('--dashboard-port needs --discovery: the dashboard finds the cluster through it');
      if (flags.dashboardPort !== undefined && security.client?.tls && !security.server?.auth?.tokens) {
        throw new Error('--dashboard-port on a TLS cluster needs --jwks (FLORIN_JWKS_JSON): people log in to the dashboard with tokens');
      }
      const telemetry = startRoleTelemetry(flags, 'coordinator', 'coordinator');
      const coordinator = await runCoordinator({
        store: flags.store,
        host: flags.host,
        port: flags.port,
        security: security.server,
        limits: callerLimitsFromFlags(flags),
        ...grantKeyOption(security.server !== undefined, grantKeyOf(flags)),
        ...(flags.leaseMs !== undefined ? { defaultLeaseMs: flags.leaseMs } : {}),
        ...(flags.maxAttempts !== undefined ? { defaultMaxAttempts: flags.maxAttempts } : {}),
      });
      // Queue depth (the QCU autoscaling signal), leases and jobs per state: read from the store once per export.
      observeCoordinator(telemetry.meter, () => coordinator.store.queueStats(), { 'florin.coordinator.id': flags.nodeId ?? 'coordinator' });
      let dashboard: DashboardRun | undefined;
      stopOnSignals(async (signal) => {
        // Leave discovery first (the SDK and QCUs look for the next coordinator) while still serving, then drain.
        if (signal === 'SIGTERM') await leaveCluster(coordinator.server, found, drainNoticeMs(flags));
        await dashboard?.close();
        await found?.close();
        await coordinator.close(flags.drainMs);
        await telemetry.shutdown();
      });
      const id = flags.nodeId ?? 'coordinator';
      if (found) await found.register({ service: found.serviceFor('coordinator'), id, address: advertisedAddress(flags, flags.host, portOf(coordinator.address)), attributes: roleAttributes.coordinator(id) });
      if (found && flags.dashboardPort !== undefined) {
        dashboard = await runDashboard(
          found.discovery,
          {
            host: flags.host,
            port: flags.dashboardPort,
            headServices: flags.headServices,
            coordinatorService: flags.coordinatorService,
            shardService: flags.shardService,
            shared: true,
            // A secure cluster's dashboard needs logins, verified with the coordinator's own token keys.
            security: security.client,
            ...(security.client?.tls && security.server?.auth?.tokens ? { auth: { tokens: security.server.auth.tokens } } : {}),
          },
          (line) => void process.stderr.write(line + '\n'),
        );
      }
      announceReady({ role: 'coordinator', id, address: coordinator.address });
    });
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

/** The grant key, when the coordinator checks identities (a grant names its caller); with TLS but no key, QCU writes are refused, so say so. */
function grantKeyOption(secure: boolean, key: GrantKey | undefined): { grantKey?: GrantKey } {
  if (!secure) return {};
  if (!key) {
    process.stderr.write('florin coordinator: no --grant-key (FLORIN_GRANT_KEY, FLORIN_GRANT_KEY_JSON): leases carry no write grants, so heads and shards refuse every QCU write\n');
    return {};
  }
  return { grantKey: key };
}
