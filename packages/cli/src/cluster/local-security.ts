import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateGrantSecret, generateSigningKey, GRANT_SECRET_ALGORITHM, issueToken, LocalCa, parseGrantKeys, parseSigningKey, type GrantKey, type Role, type SigningKey } from '@florin/core';

/** Paths (never contents) of a local cluster's CA, certificate, keys and tokens, all under <data dir>/security. */
export interface LocalSecurityFiles {
  dir: string;
  ca: string;
  caKey: string;
  cert: string;
  key: string;
  signingKey: string;
  /** The write-grant secret (HS256) the coordinator signs grants with and the heads and shards verify them with. */
  grantKey: string;
  jwks: string;
  /** One token per role; QCUs have one each (qcuTokenFile), so each QCU is its own identity. */
  tokens: Record<Exclude<Role, 'qcu'>, string>;
}

/** The token of local QCU `index` (subject qcu-<index>): a lease, its write grants and its outcomes are bound to it. */
export function qcuTokenFile(files: Pick<LocalSecurityFiles, 'dir'>, index: number): string {
  return join(files.dir, `qcu-${index}.jwt`);
}

/** The subject of local QCU `index` (also its worker id). */
export const localQcuSubject = (index: number): string => `qcu-${index}`;

/** The name on the local cluster's server certificate. */
export const LOCAL_SERVER_NAME = 'localhost';

/** How long the tokens `florin up` mints for its own processes live. */
export const LOCAL_TOKEN_TTL_MS = 7 * 24 * 3600_000;

export function localSecurityFiles(dataDir: string): LocalSecurityFiles {
  const dir = join(dataDir, 'security');
  return {
    dir,
    ca: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca-key.pem'),
    cert: join(dir, 'server.pem'),
    key: join(dir, 'server-key.pem'),
    signingKey: join(dir, 'signing-key.json'),
    grantKey: join(dir, 'grant-key.json'),
    jwks: join(dir, 'jwks.json'),
    tokens: { admin: join(dir, 'admin.jwt'), head: join(dir, 'head.jwt'), researcher: join(dir, 'researcher.jwt') },
  };
}

/** Writes a file only its owner can read (0600), in a directory only its owner can enter (0700). */
export async function writeSecret(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600);
}

/**
 * Makes (or reuses) the local CA and the token signing key under the data
 * directory, and mints a fresh server certificate (localhost, 127.0.0.1, ::1)
 * and a token per role for this run, and one per QCU (subjects qcu-0..qcus-1:
 * QCUs do not share an identity, so one cannot use another's leases or
 * grants). Every file is 0600 in a 0700 directory.
 */
export async function ensureLocalSecurity(dataDir: string, log: (line: string) => void, qcus = 1): Promise<LocalSecurityFiles> {
  const files = localSecurityFiles(dataDir);
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  await chmod(files.dir, 0o700);
  let ca: LocalCa;
  try {
    ca = await LocalCa.load(await readFile(files.ca, 'utf8'), await readFile(files.caKey, 'utf8'));
  } catch {
    ca = await LocalCa.create('Florin local CA');
    await writeSecret(files.caKey, ca.keyPem);
    await writeSecret(files.ca, ca.certPem);
    log(`made a local CA in ${files.dir}`);
  }
  const server = await ca.issue({ commonName: 'florin-local', days: 30 });
  await writeSecret(files.key, server.keyPem);
  await writeSecret(files.cert, server.certPem);
  let signing: SigningKey;
  try {
    signing = parseSigningKey(await readFile(files.signingKey, 'utf8'), files.signingKey);
  } catch {
    signing = await generateSigningKey();
    await writeSecret(files.signingKey, JSON.stringify(signing.privateJwk, null, 2) + '\n');
  }
  // Grants are HS256 with a secret the coordinator, heads and shards share; the ES256 grant key of older runs is
  // replaced (a grant lives only as long as its lease, and every process restarts with `florin up`).
  let grant: GrantKey | undefined;
  try {
    grant = parseGrantKeys(await readFile(files.grantKey, 'utf8'), files.grantKey)[0];
  } catch {
    grant = undefined;
  }
  if (grant?.alg !== GRANT_SECRET_ALGORITHM) {
    grant = generateGrantSecret();
    await writeSecret(files.grantKey, JSON.stringify(grant.privateJwk, null, 2) + '\n');
  }
  await writeSecret(files.jwks, JSON.stringify({ keys: [signing.publicJwk] }, null, 2) + '\n');
  for (const role of Object.keys(files.tokens) as Exclude<Role, 'qcu'>[]) {
    const subject = role === 'head' ? 'local-heads' : `local-${role}`;
    await writeSecret(files.tokens[role], (await issueToken(signing, { subject, role, ttlMs: LOCAL_TOKEN_TTL_MS })) + '\n');
  }
  for (let i = 0; i < qcus; i++) {
    await writeSecret(qcuTokenFile(files, i), (await issueToken(signing, { subject: localQcuSubject(i), role: 'qcu', ttlMs: LOCAL_TOKEN_TTL_MS })) + '\n');
  }
  // The shared QCU token of older runs: no process uses it any more.
  await rm(join(files.dir, 'qcu.jwt'), { force: true });
  return files;
}

/** The security flags of each local role process. */
export function localRoleArgs(files: LocalSecurityFiles | undefined, role: 'shard' | 'head' | 'coordinator' | 'qcu', qcuIndex = 0): string[] {
  if (!files) return ['--plaintext'];
  // The local certificate names localhost; the processes dial 127.0.0.1.
  const tls = ['--tls-ca', files.ca, '--tls-server-name', LOCAL_SERVER_NAME];
  if (role === 'qcu') return [...tls, '--token-file', qcuTokenFile(files, qcuIndex)];
  // The coordinator signs write grants with the grant key; heads and shards verify them with it.
  const server = [...tls, '--tls-cert', files.cert, '--tls-key', files.key, '--jwks', files.jwks, '--grant-key', files.grantKey];
  return role === 'head' ? [...server, '--token-file', files.tokens.head] : server;
}

/** How long the admin token behind `florin up`'s dashboard login link lives (the browser's session ends with it). */
export const DASHBOARD_LOGIN_TTL_MS = 12 * 3600_000;

/** Mints a token with the local cluster's signing key (the dashboard's login link: admin, for a working day). */
export async function mintLocalToken(files: LocalSecurityFiles, role: Role, subject: string, ttlMs: number): Promise<string> {
  const signing = parseSigningKey(await readFile(files.signingKey, 'utf8'), files.signingKey);
  return issueToken(signing, { subject, role, ttlMs });
}
