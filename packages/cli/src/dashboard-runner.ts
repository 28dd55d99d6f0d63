import { DashboardServer } from '@florin/dashboard';
import type { ClientSecurity } from '@florin/core';
import type { Discovery } from '@florin/discovery';
import type { LocalCluster } from './cluster/local-cluster.js';
import { discoveryFromFlags } from './discovery-options.js';

export interface DashboardRun {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the web dashboard on `discovery` (which it then owns and closes,
 * unless `shared`) and prints `dashboard: <url>` on a line of its own.
 */
export async function runDashboard(
  discovery: Discovery,
  options: { host: string; port: number; headServices?: readonly string[]; coordinatorService?: string | null; shardService?: string; shared?: boolean; security?: ClientSecurity },
  print: (line: string) => void,
): Promise<DashboardRun> {
  const { shared, ...rest } = options;
  const server = new DashboardServer({ discovery, closeDiscovery: !shared, ...rest });
  try {
    const url = await server.start();
    print(`dashboard: ${url}`);
    return { url, close: () => server.close() };
  } catch (err) {
    await server.close();
    throw err;
  }
}

/** The dashboard of a LocalCluster (`florin up`, `florin demo`), on its discovery; undefined when turned off. */
export async function runClusterDashboard(
  cluster: LocalCluster,
  options: { enabled: boolean; port: number; jobs: boolean },
  print: (line: string) => void,
): Promise<DashboardRun | undefined> {
  if (!options.enabled) return undefined;
  const discovery = discoveryFromFlags({ ...cluster.discoveryFlags, headServices: ['heads'], coordinatorService: 'coordinator' });
  if (!discovery) return undefined;
  await discovery.start();
  return runDashboard(discovery, { host: cluster.options.host, port: options.port, coordinatorService: options.jobs ? 'coordinator' : null, security: cluster.clientSecurity }, print);
}
