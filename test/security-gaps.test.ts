// Issue 12, the remaining holes, over a real secure `florin up` (TLS and tokens, 2 QCUs):
// - each local QCU is its own identity (qcu-0, qcu-1: one token file each, no shared qcu token);
// - a lease is bound to the identity that leased it: another QCU's token cannot heartbeat or complete it
//   (PERMISSION_DENIED naming both), while the holder's own calls still work;
// - creating a dataset needs the admin role or a write grant naming it (a qcu creates only its tasks' output);
// - two owners' unfinished jobs may not share an output dataset (FAILED_PRECONDITION naming the other job);
//   one owner's may (a universe split over several jobs).
import { readFile, rm, mkdtemp, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, parseSigningKey, type ClientSecurity } from '@florin/core';
import { HeadClient, JobsClient, type JobHandle } from '@florin/client';
import { WorkClient } from '@florin/qcu';
import { exitCode, startCli, TEST_UNITS } from '@florin/test-support';

interface Cluster {
  heads: { address: string }[];
  coordinator: { address: string };
  qcus: { id: string }[];
}

const claims = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'OK',
    (err: { code?: string; message?: string }) => `${err.code}: ${err.message}`,
  );

async function poll<T>(look: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await look();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('security gaps over a secure florin up with two QCUs', () => {
  let dir: string;
  let security: string;
  let up: { child: ChildProcess; line: string; stderr: () => string };
  let cluster: Cluster;
  const qcuToken: string[] = [];
  let bob = '';
  const trusted = (token: string): ClientSecurity => ({ tls: { ca: { file: join(security, 'ca.pem') }, serverName: 'localhost' }, token });
  const closers: { close(): void }[] = [];
  const jobsAs = (token: string): JobsClient => {
    const c = new JobsClient(cluster.coordinator.address, { security: trusted(token) });
    closers.push(c);
    return c;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'florin-security-gaps-'));
    security = join(dir, 'security');
    up = await startCli(['up', '--data-dir', dir, '--shards', '1', '--heads', '1', '--qcus', '2', '--units', TEST_UNITS, '--symbols', '6', '--years', '1', '--no-dashboard'], /Ctrl-C stops it/, {
      timeoutMs: 150_000,
    });
    cluster = JSON.parse(await readFile(join(dir, 'cluster.json'), 'utf8')) as Cluster;
    for (const i of [0, 1]) qcuToken[i] = (await readFile(join(security, `qcu-${i}.jwt`), 'utf8')).trim();
    const signing = parseSigningKey(await readFile(join(security, 'signing-key.json'), 'utf8'), 'signing-key.json');
    bob = await issueToken(signing, { subject: 'bob', role: 'researcher', ttlMs: 3_600_000 });
  }, 180_000);

  afterAll(async () => {
    for (const c of closers) c.close();
    if (up) {
      up.child.kill('SIGINT');
      expect(await exitCode(up.child)).toBe(0);
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('gives each QCU its own token and subject (qcu-0, qcu-1), owner-only files, and no shared qcu token', async () => {
    expect(cluster.qcus.map((q) => q.id)).toEqual(['qcu-0', 'qcu-1']);
    for (const i of [0, 1]) {
      expect(claims(qcuToken[i]!)).toMatchObject({ sub: `qcu-${i}`, florin_role: 'qcu' });
      expect((await stat(join(security, `qcu-${i}.jwt`))).mode & 0o777).toBe(0o600);
    }
    expect(existsSync(join(security, 'qcu.jwt'))).toBe(false);
  });

  it("binds a lease to the QCU that leased it: another QCU's token cannot heartbeat or complete it", async () => {
    const researcher = (await readFile(join(security, 'researcher.jwt'), 'utf8')).trim();
    const jobs = jobsAs(researcher);
    const handle: JobHandle = await jobs.submit({ unit: 'slow', dataset: 'bars', symbols: ['S0'], startMs: 0, endMs: 86_400_000, taskSize: 1, params: { sleepMs: 600_000 } });
    try {
      const task = await poll(async () => (await jobs.tasks(handle.jobId)).tasks.find((t) => t.state === 'leased'), 60_000, 'the task to be leased');
      const holder = task.workerId;
      expect(['qcu-0', 'qcu-1']).toContain(holder);
      const other = holder === 'qcu-0' ? 1 : 0;
      const taskId = `${handle.jobId}/${task.index}`;
      // The other QCU's identity, even claiming the holder's worker id.
      const thief = new WorkClient(cluster.coordinator.address, { workerId: holder, security: trusted(qcuToken[other]!) });
      closers.push(thief);
      const denied = (action: string): string =>
        `PERMISSION_DENIED: task ${taskId} attempt ${task.attempts} was leased by "${holder}"; "qcu-${other}" may ${action} only the tasks it leased itself`;
      expect(await outcome(thief.heartbeat([{ taskId, attempt: task.attempts }]))).toBe(denied('heartbeat'));
      expect(await outcome(thief.complete([{ taskId, attempt: task.attempts, ok: true, result: { forged: true } }]))).toBe(denied('complete'));
      expect(await outcome(thief.leaseCarrying({ units: [{ name: 'slow', version: '1.0.0' }], maxTasks: 1, waitMs: 0 }, [{ taskId, attempt: task.attempts, ok: false, error: 'forged' }]))).toBe(
        denied('complete'),
      );
      // Nothing changed: the task is still leased by its holder, and the holder's own heartbeat is answered.
      const after = (await jobs.tasks(handle.jobId)).tasks.find((t) => t.index === task.index)!;
      expect({ state: after.state, workerId: after.workerId, attempts: after.attempts }).toEqual({ state: 'leased', workerId: holder, attempts: task.attempts });
      const own = new WorkClient(cluster.coordinator.address, { workerId: holder, security: trusted(qcuToken[other === 0 ? 1 : 0]!) });
      closers.push(own);
      const beat = await own.heartbeat([{ taskId, attempt: task.attempts }]);
      expect(beat.lost).toEqual([]);
      expect(beat.extended.map((e) => e.taskId)).toEqual([taskId]);
    } finally {
      await jobs.cancel(handle.jobId);
    }
  });

  it('lets only admin create datasets; a qcu creates only the dataset its write grant names', async () => {
    const admin = (await readFile(join(security, 'admin.jwt'), 'utf8')).trim();
    const head = cluster.heads[0]!.address;
    const asQcu = new HeadClient(head, { security: trusted(qcuToken[0]!) });
    const asAdmin = new HeadClient(head, { security: trusted(admin) });
    closers.push(asQcu, asAdmin);
    const info = { name: 'made_by_qcu', fields: ['value'], frequency: '1d' };
    expect(await outcome(asQcu.createDataset(info))).toBe(
      'PERMISSION_DENIED: creating dataset made_by_qcu needs a write grant: the role qcu creates only the output of the tasks it leased (send the grant of each lease in CreateDatasetRequest.grants; only admin creates other datasets); qcu-0 sent none',
    );
    expect(await outcome(asQcu.createDataset({ ...info, name: 'bars' }))).toBe(
      'PERMISSION_DENIED: dataset bars is read-only input data; only the admin role may write or create it (qcu-0 has the role qcu)',
    );
    expect(await outcome(asQcu.createDataset(info, { grants: ['not-a-grant'] }))).toBe('PERMISSION_DENIED: a write grant is not a JWT');
    expect((await asQcu.listDatasets()).map((d) => d.name)).not.toContain('made_by_qcu');
    expect(await outcome(asAdmin.createDataset(info))).toBe('OK');
  });

  it("refuses a job whose output dataset another owner's unfinished job writes, naming that job; the same owner may share it", async () => {
    const researcher = (await readFile(join(security, 'researcher.jwt'), 'utf8')).trim();
    const mine = jobsAs(researcher);
    const bobs = jobsAs(bob);
    const spec = { unit: 'slow', dataset: 'bars', symbols: ['S1'], startMs: 0, endMs: 86_400_000, taskSize: 1, params: { sleepMs: 600_000 }, outputDataset: 'shared_out' };
    const first = await mine.submit(spec);
    const second = await mine.submit({ ...spec, symbols: ['S2'] });
    try {
      expect(await outcome(bobs.submit(spec))).toMatch(
        new RegExp(
          `^FAILED_PRECONDITION: output dataset shared_out is being written by job ${first.jobId} of "local-researcher" \\((queued|running)\\); ` +
            'jobs of different owners may not write one output dataset at the same time: name another spec\\.output_dataset, or wait for that job to finish$',
        ),
      );
      expect((await bobs.list()).map((j) => j.jobId)).toEqual([]);
      // Another output is fine; once the other owner's jobs are finished, so is this one.
      const elsewhere = await bobs.submit({ ...spec, outputDataset: 'bob_out' });
      await bobs.cancel(elsewhere.jobId);
    } finally {
      await mine.cancel(first.jobId);
      await mine.cancel(second.jobId);
    }
    const after = await bobs.submit(spec);
    expect((await bobs.get(after.jobId)).outputDataset).toBe('shared_out');
    await bobs.cancel(after.jobId);
  });
});
