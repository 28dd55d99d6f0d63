import { createHmac } from 'node:crypto';
import { generateSigningKey, issueToken, ROLE_CLAIM, TOKEN_AUDIENCE, TOKEN_ISSUER, type GrantKey } from '@florin/core';
import { WorkClient } from '@florin/qcu';
import { makeClusterSecurity, type ClusterSecurity } from './cluster-security.js';
import { universe } from './market-data.js';
import { MOMENTUM, RANKER } from './coordinator.js';
import { fuzzMethods, fuzzServices, healthOf, type FuzzIdentity, type FuzzReport, type FuzzSecurity } from './hostile-input.js';
import { startQcuCluster } from './qcu-cluster.js';

export interface FuzzRun extends FuzzReport {
  health: Record<string, string>;
  /** A normal read after the fuzzing answered as before. */
  readAfter: boolean;
}

/**
 * The hostile-input run: a real cluster in this process (2 shards over DuckDB,
 * 2 heads, a coordinator over SQLite, the example units registered, a small
 * `bars` dataset), `calls` fuzzed calls to every method of every service, then
 * every server's health and a normal read. With `secure`: TLS and tokens on
 * every server, and each call from a random identity (no token, a malformed
 * header, garbage, an expired token, an unknown key, the grant key, or a
 * valid token of each role): refusals by identity must be UNAUTHENTICATED or
 * PERMISSION_DENIED.
 */
export async function runFuzz(options: { calls: number; seed?: number; concurrency?: number; onProgress?: (done: number) => void; secure?: boolean }): Promise<FuzzRun> {
  const security = options.secure ? await makeClusterSecurity() : undefined;
  const cluster = await startQcuCluster({ coordinator: { maxWaitMs: 1_000 }, ...(security ? { security } : {}) });
  const work = new WorkClient(cluster.coordinator.address, { workerId: 'fuzz-registrar', ...(security ? { security: security.client('qcu') } : {}) });
  try {
    const range = { start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 3, 1) };
    const frames = universe(8, range.start, range.end, 7);
    const symbols = frames.map((f) => f.symbol);
    await cluster.seed({ name: 'bars', fields: ['close'], frequency: '1d' }, frames);
    await work.registerUnits([MOMENTUM, RANKER]);
    const before = await cluster.data.read({ dataset: 'bars', symbols, range });
    const methods = fuzzMethods({ shard: cluster.shards[0], head: cluster.heads[0], job: cluster.coordinator.address, work: cluster.coordinator.address });
    const report = await fuzzServices(methods, { ...options, ...(security ? { security: await fuzzSecurity(security) } : {}) });
    const health = await healthOf([...cluster.shards, ...cluster.heads, cluster.coordinator.address], security?.client('admin'));
    const after = await cluster.data.read({ dataset: 'bars', symbols, range });
    return { ...report, health, readAfter: after.length === before.length };
  } finally {
    work.close();
    await cluster.close();
  }
}

/** The identities a secure fuzz run sends calls as: invalid ones (each must be UNAUTHENTICATED) and one valid token per role. */
async function fuzzSecurity(security: ClusterSecurity): Promise<FuzzSecurity> {
  const stranger = await generateSigningKey();
  const hourAgo = Date.now() - 3_600_000;
  const identities: FuzzIdentity[] = [
    { label: 'no token' },
    { label: 'malformed header', authorization: 'Basic Zm9vOmJhcg==' },
    { label: 'garbage token', authorization: 'Bearer not.a.jwt' },
    { label: 'expired token', authorization: `Bearer ${await issueToken(security.signing, { subject: 'late', role: 'admin', ttlMs: 60_000, nowMs: hourAgo })}` },
    { label: 'unknown key', authorization: `Bearer ${await issueToken(stranger, { subject: 'mallory', role: 'admin', ttlMs: 3_600_000 })}` },
    { label: 'grant key as token', authorization: `Bearer ${tokenSignedWithGrantSecret(security.grantKey)}` },
    ...(['researcher', 'qcu', 'admin', 'head'] as const).map((role): FuzzIdentity => ({ label: role, authorization: `Bearer ${security.tokens[role]}`, role })),
  ];
  return { caPem: security.caPem, serverName: 'localhost', identities };
}

/** An admin token signed (HS256) with the write-grant secret, as a head or shard holding that secret could make one: no server may take it as an identity. */
function tokenSignedWithGrantSecret(key: GrantKey): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'HS256', kid: key.kid, typ: 'JWT' })}.${part({ [ROLE_CLAIM]: 'admin', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, sub: 'coordinator', iat: now, exp: now + 3_600 })}`;
  return `${input}.${createHmac('sha256', Buffer.from(key.privateJwk.k ?? '', 'base64url')).update(input).digest('base64url')}`;
}
