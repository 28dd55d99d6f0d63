// The dashboard of a secure cluster (`florin up` without --plaintext: TLS and tokens) in a real headless
// Chromium (Debian's chromium, driven by playwright-core): without a login the page and its APIs are refused;
// researcher alice logs in with her token and sees and cancels only her jobs (bob's job is refused, with no
// cancel offered); the admin, logged in through the one-time link `florin up` prints, sees and cancels any.
// Screenshots go to packages/dashboard/screenshots/ (git-ignored).
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { issueToken, parseSigningKey } from '@florin/core';
import { connect, type FlorinConnection, type JobHandle } from '@florin/client';
import { createDiscovery } from '@florin/discovery';
import { chromiumPresent, exitCode, launchChromium, startCli, TEST_UNITS } from '@florin/test-support';

const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));

// Under CI the browser tests must run (.ci/run installs chromium); elsewhere they skip, saying so.
const HAS_CHROMIUM = chromiumPresent('dashboard login tests');

describe.skipIf(!HAS_CHROMIUM)('dashboard logins and roles in headless Chromium', () => {
  let dir: string;
  let up: { child: ChildProcess; line: string; stderr: () => string };
  let url: string;
  let loginLink: string;
  let browser: Browser;
  const tokens = { alice: '', bob: '' };
  const people: Record<'alice' | 'bob', FlorinConnection> = {} as never;
  let aliceJob: JobHandle;
  let bobJob: JobHandle;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'florin-dashboard-login-'));
    await mkdir(SCREENSHOTS, { recursive: true });
    up = await startCli(['up', '--data-dir', dir, '--shards', '1', '--heads', '1', '--qcus', '1', '--units', TEST_UNITS, '--symbols', '6', '--years', '1'], /^dashboard login: http:\/\//, {
      timeoutMs: 150_000,
    });
    loginLink = up.line.slice('dashboard login: '.length).split(' ')[0]!;
    url = `${new URL(loginLink).origin}/`;
    const security = join(dir, 'security');
    const signing = parseSigningKey(await readFile(join(security, 'signing-key.json'), 'utf8'), 'signing-key.json');
    for (const who of ['alice', 'bob'] as const) {
      tokens[who] = await issueToken(signing, { subject: who, role: 'researcher', ttlMs: 3_600_000 });
      people[who] = connect({
        discovery: createDiscovery({ kind: 'local', directory: join(dir, 'discovery') }),
        security: { tls: { ca: { file: join(security, 'ca.pem') }, serverName: 'localhost' }, token: tokens[who] },
      });
      await people[who].ready(30_000);
    }
    // Jobs that stay unfinished (one QCU, tasks that sleep two minutes): one of alice's, one of bob's.
    const slow = { unit: 'slow', dataset: 'bars', startMs: Date.UTC(2020, 0, 1), endMs: Date.UTC(2030, 0, 1), taskSize: 1, params: { sleepMs: 120_000 } };
    // Each writes its own output dataset: two owners' unfinished jobs may not share one (FAILED_PRECONDITION).
    aliceJob = await people.alice.jobs!.submit({ ...slow, symbols: 'all', outputDataset: 'slow_alice' });
    bobJob = await people.bob.jobs!.submit({ ...slow, symbols: 'all', outputDataset: 'slow_bob' });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    for (const c of Object.values(people)) c.close();
    if (up) {
      up.child.kill('SIGINT');
      expect(await exitCode(up.child)).toBe(0);
    }
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  async function newPage(context?: BrowserContext) {
    const page = await (context ?? (await browser.newContext({ viewport: { width: 1400, height: 900 } }))).newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    return page;
  }

  it('refuses the APIs and the event stream without a login (401), and the page asks for one', async () => {
    for (const path of ['api/jobs', 'api/events', 'api/cluster', 'api/datasets', `api/jobs/${bobJob.jobId}`]) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    }
    const cancel = await fetch(`${url}api/jobs/${bobJob.jobId}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(401);
    const forged = await fetch(`${url}api/login`, { method: 'POST', body: JSON.stringify({ token: tokens.alice.slice(0, -4) + 'AAAA' }) });
    expect(forged.status).toBe(401);
    const page = await newPage();
    await page.goto(`${url}#/jobs`);
    await page.locator('#login-form').waitFor({ timeout: 10_000 });
    expect(await page.locator('#jobs').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'login.png'), fullPage: true });
    await page.context().close();
  });

  it("logs researcher alice in with her token: she sees and may cancel only her jobs, not bob's", async () => {
    const page = await newPage();
    await page.goto(`${url}#/jobs`);
    await page.locator('#login-token').fill(tokens.alice);
    await page.locator('#login-submit').click();
    await page.locator('#who-name').waitFor({ timeout: 10_000 });
    expect(await page.locator('#who-name').innerText()).toBe('alice (researcher)');
    await page.locator(`#jobs tr[data-job="${aliceJob.jobId}"]`).waitFor({ timeout: 10_000 });
    const rows = await page.locator('#jobs tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as unknown as { dataset: { job: string } }).dataset.job));
    expect(rows).toEqual([aliceJob.jobId]);
    const cells = await page.locator(`#jobs tr[data-job="${aliceJob.jobId}"] td`).allInnerTexts();
    expect(cells[7]).toBe('alice');
    await page.screenshot({ path: join(SCREENSHOTS, 'jobs-researcher.png'), fullPage: true });

    // Bob's job: refused by the coordinator's owner rule, nothing of it shown, no cancel offered.
    await page.goto(`${url}#/jobs/${bobJob.jobId}`);
    await page.locator('.error').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('.error').first().innerText()).toContain(`PERMISSION_DENIED: job ${bobJob.jobId} belongs to "bob": a researcher may see only their own jobs`);
    expect(await page.locator('#cancel-job').count()).toBe(0);
    // The API refuses alice's cancel of bob's job too (what a hand-made request would try).
    const refused = await page.evaluate(async (id) => {
      const res = await fetch(`./api/jobs/${id}/cancel`, { method: 'POST' });
      return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
    }, bobJob.jobId);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain(`belongs to "bob": a researcher may cancel only their own jobs`);
    expect((await people.bob.jobs!.get(bobJob.jobId)).state).not.toBe('cancelled');

    // Her own job: cancel offered and done.
    await page.goto(`${url}#/jobs/${aliceJob.jobId}`);
    await page.locator('#cancel-job').click();
    await page.locator('#job-summary [data-state="cancelled"]').waitFor({ timeout: 10_000 });
    expect((await people.alice.jobs!.get(aliceJob.jobId)).state).toBe('cancelled');
    await page.screenshot({ path: join(SCREENSHOTS, 'job-researcher.png'), fullPage: true });

    await page.locator('#logout').click();
    await page.locator('#login-form').waitFor({ timeout: 10_000 });
    await page.context().close();
  });

  it("logs the admin in through florin up's one-time link: sees every job and cancels bob's", async () => {
    const page = await newPage();
    await page.goto(loginLink);
    await page.locator('#who-name').waitFor({ timeout: 10_000 });
    expect(await page.locator('#who-name').innerText()).toBe('local-admin (admin)');
    await page.goto(`${url}#/jobs`);
    await page.locator(`#jobs tr[data-job="${bobJob.jobId}"]`).waitFor({ timeout: 10_000 });
    await page.locator(`#jobs tr[data-job="${aliceJob.jobId}"]`).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'jobs-admin.png'), fullPage: true });
    await page.goto(`${url}#/jobs/${bobJob.jobId}`);
    await page.locator('#cancel-job').click();
    await page.locator('#job-summary [data-state="cancelled"]').waitFor({ timeout: 10_000 });
    expect((await people.bob.jobs!.get(bobJob.jobId)).state).toBe('cancelled');
    await page.context().close();

    // The link worked once.
    const again = await fetch(loginLink, { redirect: 'manual' });
    expect(again.status).toBe(401);
    expect(await again.text()).toContain('this login link has expired or was already used');
  });
});
