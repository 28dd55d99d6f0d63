import { DashboardServer, type DashboardOptions } from '@florin/dashboard';
import { KeySetSource, TokenVerifier, type ClientSecurity } from '@florin/core';
import type { Discovery } from '@florin/discovery';
import type { LocalCluster } from './cluster/local-cluster.js';
import { DASHBOARD_LOGIN_TTL_MS, mintLocalToken } from './cluster/local-security.js';
import { discoveryFromFlags } from './discovery-options.js';

export interface DashboardRun {
  url: string;
  close(): Promise<void>;
}

export interface DashboardRunOptions {
  host: string;
  port: number;
  headServices?: readonly string[];
  coordinatorService?: string | null;
  shardService?: string;
  shared?: boolean;
  security?: ClientSecurity;
  /** Logins: the page needs a token verified with these keys (a secure cluster). */
  auth?: DashboardOptions['auth'];
  /** A token to print a one-time login link for (the local cluster's admin). */
  loginToken?: () => Promise<string>;
}

/**
 * Starts the web dashboard on `discovery` (which it then owns and closes,
 * unless `shared`) and prints `dashboard: <url>` on a line of its own; with
 * logins and a `loginToken`, the next line is `dashboard login: <url>` (a
 * one-time link that logs a browser in as that token's holder).
 */
export async function runDashboard(discovery: Discovery, options: DashboardRunOptions, print: (line: string) => void): Promise<DashboardRun> {
  const { shared, loginToken, ...rest } = options;
  const server = new DashboardServer({ discovery, closeDiscovery: !shared, ...rest });
  try {
    const url = await server.start();
    print(`dashboard: ${url}`);
    if (server.requiresLogin && loginToken) print(`dashboard login: ${server.loginUrl(await loginToken())} (one-time link, valid 10 minutes)`);
    return { url, close: () => server.close() };
  } catch (err) {
    await server.close();
    throw err;
  }
}

/**
 * The dashboard of a LocalCluster (`florin up`, `florin demo`), on its
 * discovery; undefined when turned off. A secure local cluster's dashboard
 * needs a login: it prints a login link for an admin token it mints (12 h).
 */
export async function runClusterDashboard(
  cluster: LocalCluster,
  options: { enabled: boolean; port: number; jobs: boolean },
  print: (line: string) => void,
): Promise<DashboardRun | undefined> {
  if (!options.enabled) return undefined;
  const discovery = discoveryFromFlags({ ...cluster.discoveryFlags, headServices: ['heads'], coordinatorService: 'coordinator' });
  if (!discovery) return undefined;
  await discovery.start();
  const files = cluster.security;
  return runDashboard(
    discovery,
    {
      host: cluster.options.host,
      port: options.port,
      coordinatorService: options.jobs ? 'coordinator' : null,
      security: cluster.clientSecurity,
      ...(files
        ? {
            auth: { tokens: new TokenVerifier(KeySetSource.fromFile(files.jwks)) },
            loginToken: () => mintLocalToken(files, 'admin', 'local-admin', DASHBOARD_LOGIN_TTL_MS),
          }
        : {}),
    },
    print,
  );
}
