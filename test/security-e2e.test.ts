import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlorinError, generateSigningKey, issueToken, LocalCa, type ClientSecurity, type Role } from '@florin/core';
import { DataClient, JobsClient } from '@florin/client';
import { ShardClient } from '@florin/shard-client';
import { WorkClient } from '@florin/qcu';
import { ProcessGroup, TestSecurity, type RoleProcess } from '@florin/test-support';

/**
 * Issue 12 "Done when", over real `florin shard`, `florin head` and `florin
 * coordinator` processes with TLS and token checks: plaintext and other-CA
 * clients are refused, missing/expired/unknown-key tokens get UNAUTHENTICATED,
 * a researcher can neither lease nor write `bars`, a QCU cannot write `bars`,
 * a rotated server certificate is served without a restart, and no token or
 * key appears in any process output or error message.
 */
const group = new ProcessGroup();
let security: TestSecurity;
let shard: RoleProcess;
let head: RoleProcess;
let coordinator: RoleProcess;
let tokens: Record<Role, string>;
const seen: string[] = []; // every error message a client got, checked for secrets at the end
const files = { ca: '', shardCert: '', shardKey: '' };

async function code(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (err) {
    if (!(err instanceof FlorinError)) throw err;
    seen.push(err.message);
    return `${err.code}: ${err.message}`;
  }
}

const trusted = (token?: string): ClientSecurity => security.client(token);

beforeAll(async () => {
  security = await TestSecurity.create('security');
  const { dir } = security;
  Object.assign(files, { ca: security.files.ca, shardCert: join(dir, 'shard.pem'), shardKey: join(dir, 'shard-key.pem') });
  // The shard has its own files: the rotation test replaces them.
  await writeFile(files.shardCert, security.server.certPem);
  await writeFile(files.shardKey, security.server.keyPem, { mode: 0o600 });
  tokens = await security.tokens({ researcher: { subject: 'test-researcher', role: 'researcher' }, qcu: { subject: 'test-qcu', role: 'qcu' }, admin: { subject: 'test-admin', role: 'admin' }, head: { subject: 'test-head', role: 'head' } });
  const headToken = await security.tokenFile('head', tokens.head);
  process.env['FLORIN_TLS_REFRESH_MS'] = '300'; // the spawned servers re-read their certificate files this often
  const tls = security.serverArgs();
  const shardTls = security.serverArgs({ cert: files.shardCert, key: files.shardKey });
  [shard, coordinator] = await Promise.all([
    group.start('shard', ['shard', '--data', join(dir, 'shard-0.duckdb'), '--shard-id', '0', '--shard-count', '1', ...shardTls]),
    group.start('coordinator', ['coordinator', '--store', `sqlite:${join(dir, 'jobs.sqlite')}`, ...tls]),
  ]);
  head = await group.start('head', ['head', '--shards', shard.address, '--node-id', 'head-0', ...tls, '--token-file', headToken]);
  const admin = new DataClient({ heads: [head.address], security: trusted(tokens.admin) });
  try {
    await admin.createDataset({ name: 'bars', fields: ['close'], frequency: '1d' });
  } finally {
    admin.close();
  }
}, 120_000);

afterAll(async () => {
  await group.killAll();
  await security?.close();
});

describe('tokens and roles', () => {
  it('answers UNAUTHENTICATED to no token, an expired token and a token signed by an unknown key', async () => {
    const stranger = await generateSigningKey();
    const expired = await issueToken(security.signing, { subject: 'late', role: 'admin', ttlMs: 1_000, nowMs: Date.now() - 3_600_000 });
    const forged = await issueToken(stranger, { subject: 'mallory', role: 'admin', ttlMs: 3_600_000 });
    const results: Record<string, string> = {};
    for (const [name, token] of Object.entries({ none: undefined, expired, forged })) {
      const jobs = new JobsClient(coordinator.address, { security: trusted(token) });
      try {
        results[name] = await code(jobs.list());
      } finally {
        jobs.close();
      }
    }
    expect(results['none']).toMatch(/^UNAUTHENTICATED: \/florin\.v1\.JobService\/List needs an identity: send a bearer token/);
    expect(results['expired']).toBe('UNAUTHENTICATED: the token has expired; get a new one (florin token issue)');
    expect(results['forged']).toBe(`UNAUTHENTICATED: the token is signed by an unknown key (kid ${stranger.kid}); it is not among this server's trusted keys`);
  });

  it('keeps health open without identity', async () => {
    const { checkHealth } = await import('@florin/core');
    expect(await checkHealth(coordinator.address, { security: { tls: { ca: { file: files.ca } } } })).toBe('SERVING');
  });

  it('a researcher cannot lease tasks or write bars; a QCU cannot write bars; an admin can', async () => {
    const work = new WorkClient(coordinator.address, { workerId: 'r', security: trusted(tokens.researcher) });
    const researcher = new DataClient({ heads: [head.address], security: trusted(tokens.researcher) });
    const qcu = new DataClient({ heads: [head.address], security: trusted(tokens.qcu) });
    const admin = new DataClient({ heads: [head.address], security: trusted(tokens.admin) });
    const frame = { symbol: 'AAA', fields: ['close'], timestamps: Float64Array.of(Date.UTC(2024, 0, 2)), columns: [Float64Array.of(10)] };
    try {
      expect(await code(work.lease({ units: [{ name: 'momentum', version: '1.0.0' }], maxTasks: 1 }))).toBe(
        'PERMISSION_DENIED: /florin.v1.WorkService/LeaseTasks needs the role qcu or admin; test-researcher has the role researcher',
      );
      expect(await code(researcher.write('bars', ['close'], [frame]))).toBe(
        'PERMISSION_DENIED: /florin.v1.HeadService/Write needs the role qcu or admin or head; test-researcher has the role researcher',
      );
      expect(await code(qcu.write('bars', ['close'], [frame]))).toBe(
        'PERMISSION_DENIED: dataset bars is read-only input data; only the admin role may write or create it (test-qcu has the role qcu)',
      );
      expect(await code(admin.write('bars', ['close'], [frame]))).toBe('OK');
      // The head wrote through to the shard with its own head token; the researcher reads it back.
      const [read] = await researcher.read({ dataset: 'bars', symbols: ['AAA'], range: { start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 1, 1) } });
      expect(Array.from(read!.columns[0]!)).toEqual([10]);
    } finally {
      work.close();
      researcher.close();
      qcu.close();
      admin.close();
    }
  });

  it('never shows a token or a private key in an error message or a process log', () => {
    const secrets = [...Object.values(tokens), security.signing.privateJwk.d!, security.ca.keyPem.split('\n')[1]!];
    const outputs = [...seen, shard.stderr(), head.stderr(), coordinator.stderr()];
    for (const secret of secrets) for (const out of outputs) expect(out.includes(secret)).toBe(false);
    expect(seen.length).toBeGreaterThan(5);
  });
});

describe('TLS', () => {
  it('refuses a plaintext client and a client that trusts another CA', async () => {
    const plain = new ShardClient(shard.address, { limits: { defaultDeadlineMs: 3_000 } });
    const other = await LocalCa.create('other CA');
    const stranger = new ShardClient(shard.address, { limits: { defaultDeadlineMs: 3_000 }, security: { tls: { ca: { pem: other.certPem } }, token: tokens.admin } });
    try {
      expect(await code(plain.listDatasets())).toMatch(/^UNAVAILABLE/);
      expect(await code(stranger.listDatasets())).toMatch(/^UNAVAILABLE/);
    } finally {
      plain.close();
      stranger.close();
    }
  });

  it('a role refuses to start without TLS unless plaintext is asked for', async () => {
    const saved = process.env['FLORIN_PLAINTEXT'];
    delete process.env['FLORIN_PLAINTEXT'];
    try {
      await expect(group.start('bare', ['shard', '--data', join(security.dir, 'bare.duckdb'), '--shard-id', '0', '--shard-count', '1'], 20_000)).rejects.toThrow(/refuses to run without TLS/);
    } finally {
      if (saved !== undefined) process.env['FLORIN_PLAINTEXT'] = saved;
    }
  });

  it('picks up a rotated certificate without a restart', { timeout: 120_000 }, async () => {
    const next = await LocalCa.create('rotated CA');
    const nextServer = await next.issue({ commonName: 'florin-test' });
    const trustsNext = (): ShardClient => new ShardClient(shard.address, { limits: { defaultDeadlineMs: 2_000 }, security: { tls: { ca: { pem: next.certPem } }, token: tokens.admin } });
    const before = trustsNext();
    expect(await code(before.listDatasets())).toMatch(/^UNAVAILABLE/);
    before.close();
    // Key first, then certificate, as a rotation writes them: the server only takes a matching pair.
    await writeFile(files.shardKey, nextServer.keyPem);
    await writeFile(files.shardCert, nextServer.certPem);
    const deadline = Date.now() + 60_000; // a backstop: the servers re-read their files every 300 ms
    let answer = '';
    while (answer !== 'OK' && Date.now() < deadline) {
      const client = trustsNext();
      answer = await code(client.listDatasets());
      client.close();
      if (answer !== 'OK') await new Promise((r) => setTimeout(r, 200));
    }
    expect(answer).toBe('OK');
    expect(shard.alive()).toBe(true);
  });
});
