import type { PemSource } from './certificate-source.js';

/** TLS settings of a server or a client. */
export interface TlsConfig {
  /** The CA that signs the peers' certificates: clients verify servers with it; mTLS servers verify clients. */
  ca?: PemSource;
  /** This process's certificate chain and key (a server's is required; a client's only with mTLS). */
  cert?: PemSource;
  key?: PemSource;
  /** Server: require a client certificate signed by `ca`. Client: present `cert`. */
  mtls?: boolean;
  /** Client: the name the server's certificate must carry, when it is not the host dialled. */
  serverName?: string;
  /** How often files are re-read to pick up rotation; default 10 s. */
  refreshIntervalMs?: number;
}

/**
 * TLS from the environment (ECS injects secrets as variables or files):
 * FLORIN_TLS_CA / FLORIN_TLS_CERT / FLORIN_TLS_KEY are file paths (re-read on
 * rotation); FLORIN_TLS_CA_PEM / FLORIN_TLS_CERT_PEM / FLORIN_TLS_KEY_PEM hold
 * the PEM itself; FLORIN_MTLS=1 turns on mutual TLS; FLORIN_TLS_SERVER_NAME
 * overrides the name checked on the server's certificate; FLORIN_TLS_REFRESH_MS
 * is how often files are re-read (default 10 s). Undefined when none is set.
 */
export function tlsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TlsConfig | undefined {
  const ca = pemFromEnv(env, 'FLORIN_TLS_CA');
  const cert = pemFromEnv(env, 'FLORIN_TLS_CERT');
  const key = pemFromEnv(env, 'FLORIN_TLS_KEY');
  if (!ca && !cert && !key) return undefined;
  const config: TlsConfig = { ca, cert, key, mtls: env.FLORIN_MTLS === '1' || env.FLORIN_MTLS === 'true' };
  if (env.FLORIN_TLS_SERVER_NAME) config.serverName = env.FLORIN_TLS_SERVER_NAME;
  const refresh = refreshFromEnv(env);
  if (refresh !== undefined) config.refreshIntervalMs = refresh;
  return config;
}

function pemFromEnv(env: NodeJS.ProcessEnv, name: string): PemSource | undefined {
  const pem = env[`${name}_PEM`];
  if (pem) return { pem: pem.replace(/\\n/g, '\n') };
  const file = env[name];
  return file ? { file } : undefined;
}

/** TLS from explicit file paths (CLI flags), falling back to the environment for what is not given. */
export function tlsConfigFromFiles(files: { ca?: string; cert?: string; key?: string; mtls?: boolean; serverName?: string }, env: NodeJS.ProcessEnv = process.env): TlsConfig | undefined {
  const fromEnv = tlsConfigFromEnv(env);
  const ca = files.ca ? { file: files.ca } : fromEnv?.ca;
  const cert = files.cert ? { file: files.cert } : fromEnv?.cert;
  const key = files.key ? { file: files.key } : fromEnv?.key;
  if (!ca && !cert && !key) return undefined;
  return { ca, cert, key, mtls: files.mtls ?? fromEnv?.mtls ?? false, serverName: files.serverName ?? fromEnv?.serverName, refreshIntervalMs: refreshFromEnv(env) };
}

function refreshFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.FLORIN_TLS_REFRESH_MS;
  if (raw === undefined || raw === '') return undefined;
  const ms = Number(raw);
  if (!Number.isSafeInteger(ms) || ms < 100) throw new Error(`FLORIN_TLS_REFRESH_MS must be an integer of at least 100 ms, got ${raw}`);
  return ms;
}
