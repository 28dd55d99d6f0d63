import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlorinError } from '@florin/core';
import { JobsClient, type Job } from '@florin/client';
import { WorkClient } from '@florin/qcu';
import { MOMENTUM, ProcessGroup, runCli, TestSecurity, type RoleProcess } from '@florin/test-support';

/**
 * Issue 12 item 2, the job owner: over a real `florin coordinator` process
 * with TLS and token checks, two researchers (alice, bob) and an admin. Submit
 * records the caller's `sub` as the owner; a researcher lists, gets, watches,
 * reads logs/tasks of and cancels only their own jobs (PERMISSION_DENIED
 * naming the owner rule otherwise); the admin sees and cancels any. With
 * --plaintext there is no owner and no check.
 */
const group = new ProcessGroup();
let security: TestSecurity;
let secure: RoleProcess;
let plain: RoleProcess;
const files = { ca: '', alice: '', admin: '' };
let tokens: Record<'alice' | 'bob' | 'admin' | 'qcu', string>;
const clients: JobsClient[] = [];

const DAY = 86_400_000;
const submission = (key: string) => ({
  unit: 'momentum',
  dataset: 'bars',
  symbols: ['AAA', 'BBB', 'CCC'],
  startMs: Date.UTC(2024, 0, 1),
  endMs: Date.UTC(2024, 0, 1) + 30 * DAY,
  taskSize: 2,
  params: { threshold: 0.1 },
  idempotencyKey: key,
  // Each owner its own output: two owners' unfinished jobs may not share one (FAILED_PRECONDITION, test/security-gaps).
  outputDataset: `momentum_${key.split('-')[0]!}`,
});

function jobsAs(who: keyof typeof tokens): JobsClient {
  const client = new JobsClient(secure.address, { security: security.client(tokens[who]) });
  clients.push(client);
  return client;
}

async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (err) {
    if (!(err instanceof FlorinError)) throw err;
    return `${err.code}: ${err.message}`;
  }
}

async function firstEvent(client: JobsClient, jobId: string): Promise<Job> {
  for await (const event of client.watch(jobId)) return event.job;
  throw new Error('the watch ended without an event');
}

beforeAll(async () => {
  security = await TestSecurity.create('owner');
  tokens = await security.tokens({ alice: { subject: 'alice', role: 'researcher' }, bob: { subject: 'bob', role: 'researcher' }, admin: { subject: 'admin', role: 'admin' }, qcu: { subject: 'qcu', role: 'qcu' } });
  Object.assign(files, { ca: security.files.ca, alice: await security.tokenFile('alice', tokens.alice), admin: await security.tokenFile('admin', tokens.admin) });
  [secure, plain] = await Promise.all([
    group.start('coordinator', ['coordinator', '--store', `sqlite:${join(security.dir, 'jobs.sqlite')}`, ...security.serverArgs()]),
    group.start('plain-coordinator', ['coordinator', '--store', `sqlite:${join(security.dir, 'plain.sqlite')}`, '--plaintext']),
  ]);
  const qcu = new WorkClient(secure.address, { workerId: 'owner-test-qcu', security: security.client(tokens.qcu) });
  const plainQcu = new WorkClient(plain.address, { workerId: 'owner-test-qcu' });
  try {
    await qcu.registerUnits([MOMENTUM]);
    await plainQcu.registerUnits([MOMENTUM]);
  } finally {
    qcu.close();
    plainQcu.close();
  }
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await group.killAll();
  await security?.close();
});

describe('job owner', () => {
  it('records the submitter, limits researchers to their own jobs and lets the admin see and cancel any', async () => {
    const alice = jobsAs('alice');
    const bob = jobsAs('bob');
    const admin = jobsAs('admin');
    const a1 = (await alice.submit(submission('alice-1'))).job;
    const a2 = (await alice.submit(submission('alice-2'))).job;
    const b1 = (await bob.submit(submission('bob-1'))).job;
    expect([a1.owner, a2.owner, b1.owner]).toEqual(['alice', 'alice', 'bob']);

    // List: a researcher sees only their own jobs, newest first; the admin sees all and may filter by owner.
    expect((await alice.list()).map((j) => [j.jobId, j.owner])).toEqual([[a2.jobId, 'alice'], [a1.jobId, 'alice']]);
    expect((await bob.list()).map((j) => j.jobId)).toEqual([b1.jobId]);
    expect((await bob.list({ owner: 'bob' })).map((j) => j.jobId)).toEqual([b1.jobId]);
    expect((await admin.list()).map((j) => j.jobId)).toEqual([b1.jobId, a2.jobId, a1.jobId]);
    expect((await admin.list({ owner: 'alice' })).map((j) => j.jobId)).toEqual([a2.jobId, a1.jobId]);
    expect((await alice.list({ updatedSinceMs: 1 })).map((j) => j.jobId)).toEqual([a1.jobId, a2.jobId]);
    expect(await outcome(bob.list({ owner: 'alice' }))).toBe(
      'PERMISSION_DENIED: owner "alice": a researcher may list only their own jobs ("bob" has the role researcher); the admin role may list any job',
    );

    // Get, Watch, Logs, ListTasks and Cancel of another's job: PERMISSION_DENIED naming the owner rule.
    const rule = (action: string) => `PERMISSION_DENIED: job ${a1.jobId} belongs to "alice": a researcher may ${action} only their own jobs ("bob" has the role researcher); the admin role may ${action} any job`;
    expect(await outcome(bob.get(a1.jobId))).toBe(rule('see'));
    expect(await outcome(firstEvent(bob, a1.jobId))).toBe(rule('watch'));
    expect(await outcome(bob.logs(a1.jobId))).toBe(rule('read the logs of'));
    expect(await outcome(bob.tasks(a1.jobId))).toBe(rule('list the tasks of'));
    expect(await outcome(bob.cancel(a1.jobId))).toBe(rule('cancel'));
    // Reusing another caller's idempotency key neither hands out nor confirms that job.
    expect(await outcome(bob.submit(submission('alice-1')))).toBe(rule('resubmit (idempotency_key)'));
    expect(await outcome(bob.get('job-that-does-not-exist'))).toBe('NOT_FOUND: unknown job "job-that-does-not-exist"');
    expect((await alice.get(a1.jobId)).state).toBe('queued');

    // The owner watches, reads and cancels their own job.
    expect((await firstEvent(alice, a1.jobId)).owner).toBe('alice');
    expect((await alice.tasks(a1.jobId)).tasks.map((t) => t.index)).toEqual([0, 1]);
    expect(await alice.logs(a1.jobId)).toEqual([]);
    expect((await alice.cancel(a1.jobId)).state).toBe('cancelled');

    // The admin sees, watches and cancels anyone's job.
    expect((await admin.get(b1.jobId)).owner).toBe('bob');
    expect((await firstEvent(admin, b1.jobId)).jobId).toBe(b1.jobId);
    expect((await admin.cancel(b1.jobId)).state).toBe('cancelled');
    expect((await bob.get(b1.jobId)).state).toBe('cancelled');
    expect((await alice.get(a2.jobId)).state).toBe('queued');
  }, 60_000);

  it('florin jobs list/show print the owner, and a researcher\'s list holds only their jobs', async () => {
    const tls = ['--coordinator', secure.address, '--tls-ca', files.ca];
    const asAlice = await runCli(['jobs', 'list', ...tls, '--token-file', files.alice]);
    expect(asAlice.code, asAlice.stderr).toBe(0);
    const header = asAlice.stdout.split('\n').find((l) => l.includes('job') && l.includes('owner'));
    expect(header).toBeDefined();
    expect(asAlice.stdout).not.toMatch(/\bbob\b/);
    expect(asAlice.stdout).toMatch(/\balice\b/);

    const asAdmin = await runCli(['jobs', 'list', ...tls, '--token-file', files.admin, '--json']);
    expect(asAdmin.code, asAdmin.stderr).toBe(0);
    const listed = JSON.parse(asAdmin.stdout) as Job[];
    expect(listed.map((j) => j.owner).sort()).toEqual(['alice', 'alice', 'bob']);

    const bobsJob = listed.find((j) => j.owner === 'bob')!;
    const shown = await runCli(['jobs', 'show', bobsJob.jobId, ...tls, '--token-file', files.admin]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/owner\s*│?\s*bob/);
    const refused = await runCli(['jobs', 'show', bobsJob.jobId, ...tls, '--token-file', files.alice]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`job ${bobsJob.jobId} belongs to "bob": a researcher may see only their own jobs`);
  }, 60_000);

  it('with --plaintext there is no owner and no owner check', async () => {
    const one = new JobsClient(plain.address);
    const two = new JobsClient(plain.address);
    clients.push(one, two);
    const job = (await one.submit(submission('plain-1'))).job;
    expect(job.owner).toBe('');
    expect((await two.get(job.jobId)).owner).toBe('');
    expect((await two.list()).map((j) => j.jobId)).toEqual([job.jobId]);
    expect((await two.cancel(job.jobId)).state).toBe('cancelled');
  }, 60_000);
});
