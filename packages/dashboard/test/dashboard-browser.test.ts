// The dashboard in a real headless Chromium (Debian's chromium, driven by playwright-core) against a real
// local cluster (`florin up`: shard, head, coordinator and a QCU as processes). Screenshots of each page are
// written to packages/dashboard/screenshots/ (git-ignored) for a reviewer to look at.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { connect, type FlorinConnection, type JobsClient } from '@florin/client';
import { createDiscovery } from '@florin/discovery';
import { generateMarket } from '@florin/store';
import { chromiumPresent, exitCode, launchChromium, startCli, TEST_UNITS } from '@florin/test-support';

const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));
const MARKET = { symbols: 30, years: 3, seed: 11 };

/** Polls an async condition until it holds. */
async function eventually(condition: () => Promise<boolean>, options: { timeoutMs: number; intervalMs?: number }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${options.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
}

// Under CI the browser tests must run (.ci/run installs chromium); elsewhere they skip, saying so.
const HAS_CHROMIUM = chromiumPresent('dashboard browser tests');

describe.skipIf(!HAS_CHROMIUM)('dashboard in headless Chromium', () => {
  let dir: string;
  let up: { child: ChildProcess; line: string; stderr: () => string };
  let url: string;
  let connection: FlorinConnection;
  let jobs: JobsClient;
  let browser: Browser;
  let page: Page;
  const market = generateMarket(MARKET);
  const first = market.timestamps[0]!;
  const end = market.timestamps[market.timestamps.length - 1]! + 86_400_000;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'florin-dashboard-'));
    await mkdir(SCREENSHOTS, { recursive: true });
    up = await startCli(
      ['up', '--data-dir', dir, '--plaintext', '--shards', '1', '--heads', '1', '--qcus', '1', '--units', TEST_UNITS, '--symbols', String(MARKET.symbols), '--years', String(MARKET.years), '--seed', String(MARKET.seed)],
      /^dashboard: http:\/\//,
      { timeoutMs: 150_000 },
    );
    url = up.line.slice('dashboard: '.length).trim();
    connection = connect({ discovery: createDiscovery({ kind: 'local', directory: join(dir, 'discovery') }) });
    jobs = connection.jobs!;
    await connection.ready(30_000);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('dialog', (dialog) => void dialog.accept());
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    connection?.close();
    if (up) {
      up.child.kill('SIGINT');
      expect(await exitCode(up.child)).toBe(0);
    }
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('prints its address on a line of its own and serves the page from loopback', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('shows every member found through discovery with role, health, version and uptime, and the head\'s stats', async () => {
    await page.goto(`${url}#/cluster`);
    const head = page.locator('#members tr[data-role="head"]');
    await head.locator('.health-serving').waitFor({ timeout: 30_000 });
    await page.locator('#members tr[data-role="shard"] .health-serving').waitFor({ timeout: 30_000 });
    await page.locator('#members tr[data-role="coordinator"] .health-serving').waitFor({ timeout: 30_000 });
    expect(await page.locator('#members tbody tr').count()).toBe(3);
    const cells = await head.locator('td').allInnerTexts();
    expect(cells[0]).toBe('head-0');
    expect(cells[4]).toBe('0.1.0');
    expect(cells[5]).toMatch(/^\d+ (s|min)/);
    // cache: bytes against the limit (florin up's heads: 512 MiB)
    expect(cells[11]).toMatch(/ \/ 512\.0 MiB$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'cluster.png'), fullPage: true });
  });

  it('shows a submitted job appear, progress and succeed, its tasks, and its result with the equity chart drawn', async () => {
    await page.goto(`${url}#/jobs`);
    await page.locator('#jobs tbody').waitFor();
    await page.locator('#live.on').waitFor({ timeout: 10_000 });
    // The demo's momentum backtest, paced (400 ms before each task) so its progress can be watched: 10 tasks + the final one.
    const handle = await jobs.submit({ unit: 'momentum-paced', dataset: 'bars', symbols: 'all', startMs: first, endMs: end, taskSize: 3, params: { paceMs: 400 } });
    const row = page.locator(`#jobs tr[data-job="${handle.jobId}"]`);
    await row.waitFor({ timeout: 10_000 }); // appeared through the event stream, no reload
    const seen = new Set<string>();
    await eventually(async () => {
      const state = await row.getAttribute('data-state');
      const progress = await row.locator('.bar span').innerText();
      seen.add(`${state} ${progress}`);
      return state === 'succeeded';
    }, { timeoutMs: 60_000, intervalMs: 50 });
    const job = await handle.wait();
    expect(job.state).toBe('succeeded');
    // Progress was seen between the ends: running with some tasks done, then 100%.
    expect([...seen].some((s) => /^running ([1-9]|[1-9]\d)%$/.test(s))).toBe(true);
    expect(seen.has('succeeded 100%')).toBe(true);
    expect(await row.locator('td').nth(4).innerText()).toBe('11/11');
    await page.screenshot({ path: join(SCREENSHOTS, 'jobs.png'), fullPage: true });

    await row.locator('a').click();
    await page.locator('#tasks tbody tr').first().waitFor();
    await eventually(async () => (await page.locator('#tasks tbody tr[data-state="succeeded"]').count()) === 11, { timeoutMs: 10_000 });
    const firstTask = await page.locator('#tasks tbody tr').first().locator('td').allInnerTexts();
    expect(firstTask.slice(0, 5)).toEqual(['0', `${[...market.symbols].sort()[0]} +2`, 'succeeded', '1', 'qcu-0']);
    expect(firstTask[6]).toMatch(/ms|s/);
    expect(await page.locator('#tasks tbody tr').last().locator('td').first().innerText()).toBe('10 (final)');
    // The tasks' last log lines (the fixture unit logs a start and a done line per task).
    await page.locator('#load-logs').click();
    await page.locator('#task-logs details').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('#task-logs details').count()).toBe(10);
    expect(await page.locator('#task-logs details[data-task="0"] summary').innerText()).toBe('task 0, attempt 1, succeeded: 2 lines');
    expect(await page.locator('#task-logs details[data-task="0"] pre').textContent()).toMatch(/fixture \{"event":"start","index":0,"attempt":1,.*\n.*fixture \{"event":"done","index":0,"attempt":1,/);
    await page.screenshot({ path: join(SCREENSHOTS, 'job.png'), fullPage: true });

    await page.locator('#open-result').click();
    const canvas = page.locator('#equity-chart canvas');
    await canvas.waitFor({ timeout: 10_000 });
    // The canvas has the curve drawn on it: count the pixels uPlot painted in the equity line's colour.
    // (The function runs in the page: the canvas is typed structurally, the tests have no DOM types.)
    type Canvas = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null };
    const painted = await canvas.evaluate((el) => {
      const c = el as unknown as Canvas;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 80 && data[i + 1]! > 70 && data[i + 1]! < 140 && data[i + 2]! > 200 && data[i + 3]! > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(200);
    await page.locator('#drawdown-chart canvas').waitFor();
    const result = job.result as { sharpe: number; maxDrawdown: number; days: number };
    expect(await page.locator('#sharpe').innerText()).toBe(result.sharpe.toFixed(2));
    expect(await page.locator('#max-drawdown').innerText()).toBe(`${(result.maxDrawdown * 100).toFixed(1)}%`);
    expect(await page.locator('#days').innerText()).toBe(String(result.days));
    await page.screenshot({ path: join(SCREENSHOTS, 'result.png'), fullPage: true });
  });

  it('cancels a running job from the page, and the SDK sees it cancelled', async () => {
    const handle = await jobs.submit({ unit: 'slow', dataset: 'bars', symbols: market.symbols.slice(0, 4), startMs: first, endMs: end, taskSize: 1, params: { sleepMs: 120_000 } });
    await page.goto(`${url}#/jobs/${handle.jobId}`);
    await page.locator('#job-summary [data-state="running"]').waitFor({ timeout: 30_000 });
    await page.locator('#cancel-job').click();
    await page.locator('#job-summary [data-state="cancelled"]').waitFor({ timeout: 10_000 });
    expect((await jobs.get(handle.jobId)).state).toBe('cancelled');
    await eventually(async () => (await page.locator('#tasks tbody tr[data-state="cancelled"]').count()) === 4, { timeoutMs: 10_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'cancelled.png'), fullPage: true });
  });

  it('lists the datasets with fields and symbol counts and charts a symbol read through the heads', async () => {
    await page.goto(`${url}#/data`);
    const bars = page.locator('#datasets tr[data-dataset="bars"]');
    await bars.waitFor({ timeout: 10_000 });
    expect(await bars.locator('td').allInnerTexts()).toEqual(['bars', '1d', 'open, high, low, close, volume', String(MARKET.symbols)]);
    const symbol = market.symbols[3]!;
    await page.locator('#series-symbol').fill(symbol);
    const from = new Date(end - 183 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(end - 30 * 86_400_000).toISOString().slice(0, 10);
    await page.locator('#series-from').fill(from);
    await page.locator('#series-to').fill(to);
    await page.locator('#series-draw').click();
    await page.locator('#series-chart canvas').waitFor({ timeout: 10_000 });
    const expected = market.timestamps.filter((t) => t >= Date.parse(from) && t < Date.parse(to)).length;
    expect(expected).toBeGreaterThan(90);
    expect(await page.locator('.note').innerText()).toContain(`${expected} points of ${symbol} close`);
    await page.screenshot({ path: join(SCREENSHOTS, 'data.png'), fullPage: true });
  });

  it("shows the head's rates, latency and cache after the job and the data page read through it", async () => {
    await page.goto(`${url}#/cluster`);
    const head = page.locator('#members tr[data-role="head"]');
    await head.waitFor();
    // req/s needs two samples of the head (the page refreshes every 2 s); then every head figure is a number.
    await eventually(async () => /^\d+\.\d$/.test(await head.locator('td').nth(6).innerText()), { timeoutMs: 15_000 });
    const cells = await head.locator('td').allInnerTexts();
    expect(cells[7]).toMatch(/^\d+\.\d ms$/);
    expect(cells[8]).toMatch(/^\d+\.\d ms$/);
    expect(Number(cells[8]!.split(' ')[0])).toBeGreaterThan(0);
    expect(cells[9]).toMatch(/^\d+\.\d%$/);
    expect(cells[10]).toMatch(/^\d+\.\d{3}$/);
    expect(cells[11]).toMatch(/^\d+\.\d (KiB|MiB) \/ 512\.0 MiB$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'cluster-after.png'), fullPage: true });
  });
});
