import { readFileSync, statSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { readClusterFile, DEFAULT_DATA_DIR } from './cluster/cluster-file.js';
import { GrantSecrets, GrantVerifier, KeySetSource, TokenVerifier, parseGrantKeys, tlsConfigFromFiles, type ClientSecurity, type GrantKey, type ServerSecurity, type TlsConfig } from '@florin/core';

/** The security flags of every role command (and the client commands). */
export interface SecurityFlags {
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  mtls?: boolean;
  tlsServerName?: string;
  tokenFile?: string;
  jwks?: string;
  grantKey?: string;
  plaintext?: boolean;
}

/**
 * --tls-ca/--tls-cert/--tls-key (files, re-read on rotation), --mtls,
 * --tls-server-name, --token-file (this process's own token for the calls it
 * makes; FLORIN_TOKEN holds a token itself), --jwks (public keys that verify
 * callers' tokens) and --plaintext (FLORIN_PLAINTEXT=1), each with its
 * environment default (what an ECS task definition sets).
 */
export function addSecurityOptions(command: Command, kind: 'server' | 'client'): Command {
  command
    .addOption(new Option('--tls-ca <file>', 'CA certificate (PEM) that signs the servers (and, with --mtls, the clients)').env('FLORIN_TLS_CA'))
    .addOption(new Option('--tls-cert <file>', kind === 'server' ? "this server's certificate chain (PEM); re-read when it changes" : 'client certificate (PEM) for --mtls').env('FLORIN_TLS_CERT'))
    .addOption(new Option('--tls-key <file>', 'private key (PEM) of --tls-cert').env('FLORIN_TLS_KEY'))
    .addOption(new Option('--mtls', kind === 'server' ? 'require client certificates signed by --tls-ca (CN = who, OU = role)' : 'present --tls-cert to the servers').env('FLORIN_MTLS'))
    .addOption(new Option('--tls-server-name <name>', "name the servers' certificates carry, when it is not the host dialled").env('FLORIN_TLS_SERVER_NAME'))
    .addOption(new Option('--token-file <file>', 'bearer token (JWT) this process sends; re-read when it changes (or FLORIN_TOKEN with the token itself)').env('FLORIN_TOKEN_FILE'))
    .option('--plaintext', 'no TLS and no caller checks, only inside a trusted network or for tests (a role also takes FLORIN_PLAINTEXT=1 when it has no TLS settings)');
  if (kind === 'server') {
    command
      .addOption(new Option('--jwks <file>', "public keys (JWKS) that verify callers' tokens; re-read when it changes (or FLORIN_JWKS_JSON)").env('FLORIN_JWKS'))
      .addOption(
        new Option(
          '--grant-key <file>',
          "write-grant key (a JWK, or a JWK set during a rotation; or FLORIN_GRANT_KEY_JSON): the coordinator signs the leases' grants with the first key, heads and shards verify HS256 grants with every secret of it; re-read when it changes",
        ).env('FLORIN_GRANT_KEY'),
      );
  }
  return command;
}

function plaintextEnv(env: NodeJS.ProcessEnv): boolean {
  const raw = env['FLORIN_PLAINTEXT'];
  return raw === '1' || raw === 'true';
}

function tlsOf(flags: SecurityFlags, env: NodeJS.ProcessEnv): TlsConfig | undefined {
  return tlsConfigFromFiles({ ca: flags.tlsCa, cert: flags.tlsCert, key: flags.tlsKey, mtls: flags.mtls ? true : undefined, serverName: flags.tlsServerName }, env);
}

/**
 * A role's security: its server side (TLS, token keys, mTLS identities) and
 * its client side (the same TLS trust and its own token). A role refuses to
 * start without TLS unless plaintext was asked for explicitly.
 */
export function roleSecurity(role: string, flags: SecurityFlags, env: NodeJS.ProcessEnv = process.env): { server: ServerSecurity | undefined; client: ClientSecurity | undefined } {
  const tls = tlsOf(flags, env);
  if (flags.plaintext && tls) throw new Error(`florin ${role}: --plaintext and TLS settings (--tls-*, FLORIN_TLS_*) contradict each other; give one`);
  // Explicit TLS settings win over FLORIN_PLAINTEXT (which test suites set for bare role processes).
  if (!tls && (flags.plaintext || plaintextEnv(env))) return { server: undefined, client: undefined };
  if (!tls) {
    throw new Error(
      `florin ${role} refuses to run without TLS: give --tls-ca, --tls-cert and --tls-key (or FLORIN_TLS_CA/_CERT/_KEY, or their _PEM variants), ` +
        'or ask for plaintext explicitly with --plaintext (FLORIN_PLAINTEXT=1)',
    );
  }
  const jwks = keySetOf(flags, env);
  const token = tokenOf(flags, env);
  if (role === 'qcu') return { server: undefined, client: { tls, ...(token ? { token } : {}) } };
  if (!jwks && !tls.mtls) throw new Error(`florin ${role}: a TLS server needs a way to authenticate callers: --jwks (token public keys) or --mtls`);
  // Write grants verify with the grant secrets (HS256) of --grant-key and the JWKS keys marked florin_use "grant" (ES256).
  const secrets = grantSecretsOf(flags, env);
  const grants = jwks || secrets ? new GrantVerifier(jwks, secrets ? { secrets } : {}) : undefined;
  return {
    server: { tls, auth: { tokens: jwks ? new TokenVerifier(jwks) : undefined, grants, certificates: tls.mtls === true } },
    client: { tls, ...(token ? { token } : {}) },
  };
}

/**
 * A client command's security: flags and environment first, else what the
 * local cluster's file names (`fallback`); plaintext when neither has TLS.
 */
export function clientSecurity(flags: SecurityFlags, fallback?: { ca: string; serverName?: string; tokenFile?: string }, env: NodeJS.ProcessEnv = process.env): ClientSecurity | undefined {
  if (flags.plaintext) return undefined;
  const tls = tlsOf(flags, env) ?? (fallback ? { ca: { file: fallback.ca }, ...(fallback.serverName ? { serverName: fallback.serverName } : {}) } : undefined);
  if (!tls) return undefined;
  const token = tokenOf(flags, env) ?? (fallback?.tokenFile ? fileToken(fallback.tokenFile) : undefined);
  return { tls, ...(token ? { token } : {}) };
}

function keySetOf(flags: SecurityFlags, env: NodeJS.ProcessEnv): KeySetSource | undefined {
  if (flags.jwks) return KeySetSource.fromFile(flags.jwks);
  const inline = env['FLORIN_JWKS_JSON'];
  return inline ? KeySetSource.fromText(inline, 'FLORIN_JWKS_JSON') : undefined;
}

/** This process's token: --token-file (re-read when it changes), else FLORIN_TOKEN. */
function tokenOf(flags: SecurityFlags, env: NodeJS.ProcessEnv): (() => string) | undefined {
  if (flags.tokenFile) return fileToken(flags.tokenFile);
  const inline = env['FLORIN_TOKEN']?.trim();
  return inline ? () => inline : undefined;
}

/** A token read from a file now (so a missing file fails at start) and again whenever the file changes. */
export function fileToken(file: string): () => string {
  const read = (): { token: string; mtimeMs: number } => {
    const token = readFileSync(file, 'utf8').trim();
    if (!token) throw new Error(`token file ${file} is empty`);
    return { token, mtimeMs: statSync(file).mtimeMs };
  };
  let current = read();
  let checkedAt = Date.now();
  return () => {
    if (Date.now() - checkedAt > 1_000) {
      checkedAt = Date.now();
      try {
        if (statSync(file).mtimeMs !== current.mtimeMs) current = read();
      } catch {
        // Mid-rotation: keep the last good token.
      }
    }
    return current.token;
  };
}

/**
 * The security of a client command: its flags and environment, else the local
 * cluster's (the CA and admin token its cluster file names), else plaintext.
 */
export async function commandSecurity(flags: SecurityFlags & { dataDir?: string }): Promise<ClientSecurity | undefined> {
  const own = clientSecurity(flags);
  if (own || flags.plaintext) return own;
  let local: { ca: string; serverName?: string; tokenFile?: string } | undefined;
  try {
    local = (await readClusterFile(flags.dataDir ?? DEFAULT_DATA_DIR)).security;
  } catch {
    local = undefined;
  }
  return clientSecurity(flags, local);
}

/** What an SDK client of a local cluster needs, from its cluster file (the CA and the admin token); undefined when it runs plaintext. */
export function clusterSecurity(file: { security?: { ca: string; serverName?: string; tokenFile: string } }): ClientSecurity | undefined {
  return file.security ? clientSecurity({}, file.security, {}) : undefined;
}

/**
 * The coordinator's write-grant signing key: the first key of --grant-key (a
 * JWK or JWK set file, what `florin token keygen --grant` writes), else of
 * FLORIN_GRANT_KEY_JSON (the JWK itself, e.g. an ECS secret). Undefined when
 * neither is given.
 */
export function grantKeyOf(flags: { grantKey?: string }, env: NodeJS.ProcessEnv = process.env): GrantKey | undefined {
  if (flags.grantKey) return parseGrantKeys(readFileSync(flags.grantKey, 'utf8'), flags.grantKey)[0];
  const inline = env['FLORIN_GRANT_KEY_JSON'];
  return inline ? parseGrantKeys(inline, 'FLORIN_GRANT_KEY_JSON')[0] : undefined;
}

/** The grant secrets a head or shard verifies HS256 grants with: --grant-key (re-read when it changes), else FLORIN_GRANT_KEY_JSON. */
function grantSecretsOf(flags: SecurityFlags, env: NodeJS.ProcessEnv): GrantSecrets | undefined {
  if (flags.grantKey) return GrantSecrets.fromFile(flags.grantKey);
  const inline = env['FLORIN_GRANT_KEY_JSON'];
  return inline ? GrantSecrets.fromText(inline, 'FLORIN_GRANT_KEY_JSON') : undefined;
}
