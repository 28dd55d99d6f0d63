import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentials, makeClientConstructor, Metadata, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateGrantSecret,
  generateSigningKey,
  GrantIssuer,
  issueToken,
  LocalCa,
  serviceDefinition,
  type ClientSecurity,
  type GrantKey,
  type Role,
  type SigningKey,
} from '@florin/core';
import { decodeProtectedHeader } from 'jose';
import { DataClient, JobsClient } from '@florin/client';
import { WorkClient, type LeasedTask } from '@florin/qcu';
import { ProcessGroup, runCli, type RoleProcess } from '@florin/test-support';

/**
 * Issue 12 item 3, over real `florin shard`, `florin head`, `florin coordinator`
 * and `florin qcu` processes with TLS and tokens: a lease carries a write grant
 * (job, output dataset, the leased symbols, until the lease expires) signed by
 * the coordinator with the grant secret (HS256) it shares with the heads and
 * shards, which check it without calling the coordinator. A unit that writes `bars`, another job's output or a symbol it
 * was not given is refused and its task (and job) fails with the refusal; a raw
 * grpc-js client with a qcu token and no grant, a wrong grant, someone else's
 * grant or a forged one is refused at the head and at the shard; a valid grant
 * writes bit for bit.
 */
const UNITS = fileURLToPath(new URL('./fixtures/grant-units.mjs', import.meta.url));
const SYMBOLS = ['AAA', 'BBB', 'CCC'];
const RANGE = { start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 1, 1) };
const group = new ProcessGroup();
let dir: string;
let signing: SigningKey;
let grantKey: GrantKey;
let shard: RoleProcess;
let head: RoleProcess;
let coordinator: RoleProcess;
const tokens = {} as Record<Role, string>;
const files = { ca: '', researcherToken: '' };
let caPem = '';

const trusted = (token: string): ClientSecurity => ({ tls: { ca: { file: files.ca } }, token });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'florin-grants-'));
  const ca = await LocalCa.create('grants test CA');
  const server = await ca.issue({ commonName: 'florin-test' });
  signing = await generateSigningKey();
  grantKey = generateGrantSecret();
  caPem = ca.certPem;
  const f = { cert: join(dir, 'server.pem'), key: join(dir, 'server-key.pem'), jwks: join(dir, 'jwks.json'), grantKey: join(dir, 'grant-key.json'), head: join(dir, 'head.jwt'), qcu: join(dir, 'qcu.jwt') };
  files.ca = join(dir, 'ca.pem');
  files.researcherToken = join(dir, 'researcher.jwt');
  await writeFile(files.ca, ca.certPem);
  await writeFile(f.cert, server.certPem);
  await writeFile(f.key, server.keyPem, { mode: 0o600 });
  await writeFile(f.grantKey, JSON.stringify(grantKey.privateJwk), { mode: 0o600 });
  await writeFile(f.jwks, JSON.stringify({ keys: [signing.publicJwk] }));
  for (const role of ['researcher', 'qcu', 'admin', 'head'] as Role[]) tokens[role] = await issueToken(signing, { subject: `test-${role}`, role, ttlMs: 3_600_000 });
  await writeFile(f.head, tokens.head, { mode: 0o600 });
  await writeFile(f.qcu, tokens.qcu, { mode: 0o600 });
  await writeFile(files.researcherToken, tokens.researcher, { mode: 0o600 });
  const tls = ['--tls-ca', files.ca, '--tls-cert', f.cert, '--tls-key', f.key, '--jwks', f.jwks, '--grant-key', f.grantKey];
  [shard, coordinator] = await Promise.all([
    group.start('shard', ['shard', '--data', join(dir, 'shard-0.duckdb'), '--shard-id', '0', '--shard-count', '1', ...tls]),
    group.start('coordinator', ['coordinator', '--store', `sqlite:${join(dir, 'jobs.sqlite')}`, ...tls]),
  ]);
  head = await group.start('head', ['head', '--shards', shard.address, '--node-id', 'head-0', ...tls, '--token-file', f.head]);
  const admin = new DataClient({ heads: [head.address], security: trusted(tokens.admin) });
  try {
    await admin.createDataset({ name: 'bars', fields: ['close'], frequency: '1d' });
    await admin.createDataset({ name: 'granted_out', fields: ['value'], frequency: '1d' });
    await admin.write('bars', ['close'], SYMBOLS.map((symbol) => ({ symbol, fields: ['close'], timestamps: Float64Array.of(Date.UTC(2024, 0, 2)), columns: [Float64Array.of(100)] })));
  } finally {
    admin.close();
  }
  // A short lease (heartbeats every 0.5 s) so the grant-writer test also runs on renewed grants.
  await group.start('qcu', ['qcu', '--id', 'qcu-grants', '--units', UNITS, '--coordinator', coordinator.address, '--heads', head.address, '--lease-ms', '1500', '--tls-ca', files.ca, '--token-file', f.qcu]);
}, 120_000);

afterAll(async () => {
  await group.killAll();
  await rm(dir, { recursive: true, force: true });
});

async function runJob(unit: string, params: Record<string, unknown> = {}) {
  const jobs = new JobsClient(coordinator.address, { security: trusted(tokens.researcher) });
  try {
    const handle = await jobs.submit({ unit, dataset: 'bars', symbols: SYMBOLS, startMs: RANGE.start, endMs: RANGE.end, taskSize: 1, params, maxAttempts: 3 });
    const job = await handle.wait();
    const tasks = (await jobs.tasks(handle.jobId)).tasks;
    return { job, tasks };
  } finally {
    jobs.close();
  }
}

describe('write grants: units over a real QCU', () => {
  it('a unit publishing its own output writes it bit for bit under its grants', async () => {
    const { job } = await runJob('grant-writer');
    expect(job.state).toBe('succeeded');
    const { ROWS } = (await import(UNITS)) as { ROWS: { timestamps: number[]; values: number[] } };
    const reader = new DataClient({ heads: [head.address], security: trusted(tokens.researcher) });
    try {
      const frames = await reader.read({ dataset: 'granted_out', symbols: SYMBOLS, range: RANGE });
      for (const frame of frames) {
        expect(Array.from(frame.timestamps)).toEqual(ROWS.timestamps);
        // taskSize 1: each symbol is the first of its task (factor 1); compare the bits, -0 and subnormals included.
        expect(Buffer.from(frame.columns[0]!.buffer, frame.columns[0]!.byteOffset, frame.columns[0]!.byteLength)).toEqual(Buffer.from(Float64Array.from(ROWS.values).buffer));
      }
    } finally {
      reader.close();
    }
  });

  it('a unit that writes bars is refused; its task fails at once with the refusal, shown by florin jobs show', async () => {
    const { job, tasks } = await runJob('bars-writer');
    expect(job.state).toBe('failed');
    expect(job.error).toBe('PERMISSION_DENIED: dataset bars is read-only input data; only the admin role may write or create it (test-qcu has the role qcu)');
    // Not retried: the refusal is permanent.
    const failed = tasks.find((t) => t.index === job.failedTaskIndex)!;
    expect(failed.attempts).toBe(1);
    expect(failed.error).toBe(job.error);
    const shown = await runCli(['jobs', 'show', job.jobId, '--coordinator', coordinator.address, '--heads', head.address, '--tls-ca', files.ca, '--token-file', files.researcherToken]);
    expect(shown.stdout + shown.stderr).toContain('PERMISSION_DENIED: dataset bars is read-only input data');
  });

  it("a unit that writes another job's output dataset is refused, naming the dataset its grant covers", async () => {
    const { job } = await runJob('trespasser', { target: 'granted_out' });
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(
      new RegExp(`^PERMISSION_DENIED: no write grant covers dataset granted_out: the grants are for trespass_out \\(job ${job.jobId}\\); a task writes only its job's output dataset$`),
    );    // Its own output dataset was created by the QCU under the task's grant (a qcu creates no other dataset).
    const reader = new DataClient({ heads: [head.address], security: trusted(tokens.researcher) });
    try {
      expect((await reader.listDatasets()).map((d) => d.name)).toContain('trespass_out');
    } finally {
      reader.close();
    }
  });

  it('a unit that writes a symbol outside its task is refused, naming the symbol', async () => {
    const { job } = await runJob('symbol-thief');
    expect(job.state).toBe('failed');
    expect(job.error).toBe(`PERMISSION_DENIED: the write grants for dataset thief_out (job ${job.jobId}) do not cover symbol "NOT_LEASED"; a task writes only its own symbols`);
  });
});

/** A bare grpc-js client of `service` over TLS with a bearer token: what a client of another language, or a hostile one, sends. */
function rawClient(service: 'HeadService' | 'ShardService', address: string, token: string): Client & Record<string, (...args: unknown[]) => unknown> {
  const Ctor = makeClientConstructor(serviceDefinition(`florin.v1.${service}`), service);
  const creds = credentials.combineChannelCredentials(
    credentials.createSsl(Buffer.from(caPem)),
    credentials.createFromMetadataGenerator((_params, callback) => {
      const md = new Metadata();
      md.set('authorization', `Bearer ${token}`);
      callback(null, md);
    }),
  );
  return new Ctor(address, creds) as Client & Record<string, (...args: unknown[]) => unknown>;
}

function rawWrite(client: Client & Record<string, (...args: unknown[]) => unknown>, dataset: string, symbol: string, grants: string[], value = 1.5): Promise<string> {
  const request = {
    dataset,
    fields: ['value'],
    blocks: [{ symbol, timestamps: Buffer.from(Float64Array.of(Date.UTC(2024, 0, 10)).buffer), columns: [Buffer.from(Float64Array.of(value).buffer)], last: true }],
    jobId: '',
    grants,
  };
  return new Promise((resolve) => {
    client['Write']!(request, { deadline: Date.now() + 10_000 }, (err: ServiceError | null, res: { rowsWritten: unknown } | undefined) =>
      resolve(err ? `${status[err.code]}: ${err.details}` : `OK ${String(res!.rowsWritten)}`),
    );
  });
}

describe('write grants: raw grpc-js clients', () => {
  let task: LeasedTask;
  let otherDatasetGrant: string;
  let strangerGrant: string;
  let forgedGrant: string;
  let expiredGrant: string;

  beforeAll(async () => {
    // A real lease: register a unit and lease its task as a QCU would (a distinct worker id, the same qcu token).
    const work = new WorkClient(coordinator.address, { workerId: 'raw-qcu', security: trusted(tokens.qcu) });
    const jobs = new JobsClient(coordinator.address, { security: trusted(tokens.researcher) });
    try {
      await work.registerUnits([{ name: 'raw-unit', version: '1.0.0', output: { dataset: 'granted_out', fields: ['value'], frequency: '1d' } }]);
      await jobs.submit({ unit: 'raw-unit', dataset: 'bars', symbols: ['AAA', 'BBB'], startMs: RANGE.start, endMs: RANGE.end, taskSize: 2 });
      [task] = (await work.lease({ units: [{ name: 'raw-unit', version: '1.0.0' }], maxTasks: 1, leaseMs: 600_000 })) as [LeasedTask];
    } finally {
      work.close();
      jobs.close();
    }
    const issuer = new GrantIssuer(grantKey);
    const scope = { subject: 'test-qcu', jobId: task.jobId, dataset: 'granted_out', symbols: ['AAA', 'BBB'], expiresAt: Date.now() + 600_000 };
    otherDatasetGrant = await issuer.issue({ ...scope, dataset: 'trespass_out' });
    strangerGrant = await issuer.issue({ ...scope, subject: 'another-qcu' });
    forgedGrant = await new GrantIssuer(signing).issue(scope); // the token key, not the grant key
    expiredGrant = await issuer.issue({ ...scope, expiresAt: Date.now() - 60_000 }, Date.now() - 120_000);
  });

  it('a lease carries a grant; a qcu client writing through the head with it writes bit for bit', async () => {
    expect(task.grant).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(decodeProtectedHeader(task.grant)).toEqual({ alg: 'HS256', kid: grantKey.kid, typ: 'florin-grant+jwt' });
    const client = rawClient('HeadService', head.address, tokens.qcu);
    try {
      expect(await rawWrite(client, 'granted_out', 'BBB', [task.grant], Math.PI)).toBe('OK 1');
    } finally {
      client.close();
    }
    const reader = new DataClient({ heads: [head.address], security: trusted(tokens.researcher) });
    try {
      const [frame] = await reader.read({ dataset: 'granted_out', symbols: ['BBB'], range: { start: Date.UTC(2024, 0, 10), end: Date.UTC(2024, 0, 11) } });
      expect(Buffer.from(frame!.columns[0]!.buffer, frame!.columns[0]!.byteOffset, 8)).toEqual(Buffer.from(Float64Array.of(Math.PI).buffer));
    } finally {
      reader.close();
    }
  });

  it('the head refuses a qcu write with no grant, a grant for another dataset, symbol, caller or key, and an expired grant', async () => {
    const client = rawClient('HeadService', head.address, tokens.qcu);
    try {
      expect(await rawWrite(client, 'granted_out', 'AAA', [])).toBe(
        'PERMISSION_DENIED: writing dataset granted_out needs a write grant: the role qcu writes only the output of the tasks it leased (send the grant of each lease in WriteRequest.grants); test-qcu sent none',
      );
      expect(await rawWrite(client, 'granted_out', 'AAA', [otherDatasetGrant])).toBe(
        `PERMISSION_DENIED: no write grant covers dataset granted_out: the grants are for trespass_out (job ${task.jobId}); a task writes only its job's output dataset`,
      );
      expect(await rawWrite(client, 'granted_out', 'CCC', [task.grant])).toBe(
        `PERMISSION_DENIED: the write grants for dataset granted_out (job ${task.jobId}) do not cover symbol "CCC"; a task writes only its own symbols`,
      );
      expect(await rawWrite(client, 'granted_out', 'AAA', [strangerGrant])).toBe(
        `PERMISSION_DENIED: the write grant for job ${task.jobId} was issued to another-qcu, not to test-qcu; a QCU writes only with the grants of the tasks it leased`,
      );
      expect(await rawWrite(client, 'granted_out', 'AAA', [forgedGrant])).toBe(
        `PERMISSION_DENIED: a write grant is signed by an unknown key (kid ${signing.kid}); it is not among this server's grant keys (the grant secrets of --grant-key or FLORIN_GRANT_KEY_JSON, and JWKS entries with florin_use "grant")`,
      );
      expect(await rawWrite(client, 'granted_out', 'AAA', [expiredGrant])).toBe("PERMISSION_DENIED: a write grant has expired (its lease ended); only a task's current lease may write");
      expect(await rawWrite(client, 'bars', 'AAA', [task.grant])).toBe('PERMISSION_DENIED: dataset bars is read-only input data; only the admin role may write or create it (test-qcu has the role qcu)');
      // A grant is no token: it authenticates nobody.
      const withGrantAsToken = rawClient('HeadService', head.address, task.grant);
      try {
        expect(await rawWrite(withGrantAsToken, 'granted_out', 'AAA', [task.grant])).toMatch(/^UNAUTHENTICATED: the token is signed by an unknown key/);
      } finally {
        withGrantAsToken.close();
      }
    } finally {
      client.close();
    }
  });

  it('a qcu creates a dataset only with a grant naming it', async () => {
    const client = rawClient('HeadService', head.address, tokens.qcu);
    const create = (name: string, grants: string[]): Promise<string> =>
      new Promise((resolve) => {
        client['CreateDataset']!({ dataset: { name, fields: ['value'], frequency: '1d' }, grants }, { deadline: Date.now() + 10_000 }, (err: ServiceError | null, res: { created: boolean } | undefined) =>
          resolve(err ? `${status[err.code]}: ${err.details}` : `OK created=${String(res!.created)}`),
        );
      });
    try {
      expect(await create('granted_out', [task.grant])).toBe('OK created=false');
      expect(await create('fresh_out', [task.grant])).toBe(
        `PERMISSION_DENIED: no write grant covers dataset fresh_out: the grants are for granted_out (job ${task.jobId}); a task writes only its job's output dataset`,
      );
      expect(await create('fresh_out', [])).toBe(
        'PERMISSION_DENIED: creating dataset fresh_out needs a write grant: the role qcu creates only the output of the tasks it leased (send the grant of each lease in CreateDatasetRequest.grants; only admin creates other datasets); test-qcu sent none',
      );
      expect(await create('fresh_out', [strangerGrant])).toBe(
        `PERMISSION_DENIED: the write grant for job ${task.jobId} was issued to another-qcu, not to test-qcu; a QCU writes only with the grants of the tasks it leased`,
      );
    } finally {
      client.close();
    }
  });

  it('a client that skips the head is refused by the shard: qcu callers never, and a head forwarding a write outside its grants', async () => {
    const asQcu = rawClient('ShardService', shard.address, tokens.qcu);
    const asHead = rawClient('ShardService', shard.address, tokens.head);
    try {
      expect(await rawWrite(asQcu, 'granted_out', 'AAA', [task.grant])).toBe(
        'PERMISSION_DENIED: /florin.v1.ShardService/Write needs the role head or admin; test-qcu has the role qcu',
      );
      expect(await rawWrite(asQcu, 'granted_out', 'AAA', [])).toBe('PERMISSION_DENIED: /florin.v1.ShardService/Write needs the role head or admin; test-qcu has the role qcu');
      // A head forwards the grants it was given; the shard checks them again.
      expect(await rawWrite(asHead, 'granted_out', 'CCC', [task.grant])).toBe(
        `PERMISSION_DENIED: the write grants for dataset granted_out (job ${task.jobId}) do not cover symbol "CCC"; a task writes only its own symbols`,
      );
      expect(await rawWrite(asHead, 'granted_out', 'AAA', [otherDatasetGrant])).toMatch(/^PERMISSION_DENIED: no write grant covers dataset granted_out/);
      expect(await rawWrite(asHead, 'granted_out', 'AAA', [task.grant], 2.5)).toBe('OK 1');
    } finally {
      asQcu.close();
      asHead.close();
    }
  });

  it('a heartbeat renews the grant until the new lease expiry', async () => {
    const work = new WorkClient(coordinator.address, { workerId: 'raw-qcu', security: trusted(tokens.qcu) });
    try {
      const answer = await work.heartbeat([{ taskId: task.taskId, attempt: task.attempt }], { leaseMs: 900_000 });
      expect(answer.lost).toEqual([]);
      const renewed = answer.extended[0]!.grant;
      expect(renewed).not.toBe(task.grant);
      const claims = JSON.parse(Buffer.from(renewed.split('.')[1]!, 'base64url').toString()) as { exp: number; sym: string[]; ds: string; job: string; sub: string };
      expect(claims).toMatchObject({ sym: ['AAA', 'BBB'], ds: 'granted_out', job: task.jobId, sub: 'test-qcu' });
      expect(claims.exp * 1000).toBeGreaterThanOrEqual(answer.extended[0]!.leaseExpiresMs);
      expect(claims.exp * 1000).toBeLessThan(answer.extended[0]!.leaseExpiresMs + 1_000);
      const client = rawClient('HeadService', head.address, tokens.qcu);
      try {
        expect(await rawWrite(client, 'granted_out', 'AAA', [renewed])).toBe('OK 1');
      } finally {
        client.close();
      }
    } finally {
      work.close();
    }
  });
});
