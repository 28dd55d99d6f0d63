import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobsClient } from '@florin/client';
import { WorkClient, type LeasedTask as Task } from '@florin/qcu';
import { MOMENTUM, RANGE, RANKER, UNITS, symbols } from '@florin/test-support';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const entry = join(here, 'fixtures', 'coordinator-process.mjs');

interface CoordinatorProcess {
  child: ChildProcess;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built coordinator in a child process and resolves once it serves. */
function spawnCoordinator(store: string, port: number): Promise<CoordinatorProcess> {
  const child = spawn(process.execPath, [entry, store, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve({ child, port: (JSON.parse(line) as { port: number }).port, exited }));
    void exited.then(({ code }) => reject(new Error(`coordinator exited (${code}) before serving: ${stderr}`)));
  });
}

const result = (t: Task, phase: string) => ({ index: t.index, symbol: t.symbols[0], phase });
const ok = (t: Task, phase: string) => ({ taskId: t.taskId, attempt: t.attempt, ok: true as const, result: result(t, phase) });

describe('crash safety: SIGKILL of the coordinator mid-job', () => {
  let dir: string;
  const processes: CoordinatorProcess[] = [];
  const clients: { close(): void }[] = [];

  beforeAll(() => {
    execFileSync('npx', ['tsc', '-b', 'packages/coordinator'], { cwd: repo, stdio: 'pipe' });
    dir = mkdtempSync(join(tmpdir(), 'florin-coord-crash-'));
  }, 180_000);

  afterAll(() => {
    for (const c of clients) c.close();
    for (const p of processes) p.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no accepted job or completed task; leases in flight are completed after restart or expire and requeue', async () => {
    const store = `sqlite:${join(dir, 'jobs.sqlite')}`;
    const first = await spawnCoordinator(store, 0);
    processes.push(first);
    const address = `127.0.0.1:${first.port}`;
    const jobs = new JobsClient(address);
    const qcu = new WorkClient(address, { workerId: 'qcu-1' });
    clients.push(jobs, qcu);
    await qcu.registerUnits([MOMENTUM, RANKER]);

    const handle = await jobs.submit({ unit: 'ranker', dataset: 'daily', symbols: symbols(12), ...RANGE, taskSize: 1, idempotencyKey: 'crash-A' });
    const long = await qcu.lease({ units: UNITS, maxTasks: 6, leaseMs: 60_000 });
    const short = await qcu.lease({ units: UNITS, maxTasks: 2, leaseMs: 1_500 });
    expect([...long, ...short].map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Acknowledged before the crash: completions of tasks 0-3 (one call each, concurrently) and job B.
    const acked = await Promise.all(long.slice(0, 4).map((t) => qcu.complete([ok(t, 'before')])));
    expect(acked.every(([a]) => a?.accepted)).toBe(true);
    const jobB = await jobs.submit({ unit: 'momentum', dataset: 'daily', symbols: symbols(7), ...RANGE, taskSize: 2, params: { threshold: 2 }, idempotencyKey: 'crash-B' });
    // A researcher waiting on job A across the crash.
    const waiting = handle.wait({ reconnectForMs: 30_000 });

    // Task 4's completion races the kill: it may or may not have been recorded.
    const racing = qcu.complete([ok(long[4]!, 'racing')]).then(
      () => 'answered',
      (err: { code?: string }) => err.code,
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(['answered', 'UNAVAILABLE', 'CANCELLED']).toContain(await racing);

    const second = await spawnCoordinator(store, first.port);
    processes.push(second);
    // Fresh channels, as a restarted QCU or CLI would open (the worker id is the same).
    const jobs2 = new JobsClient(address);
    const qcu2 = new WorkClient(address, { workerId: 'qcu-1' });
    const other = new WorkClient(address, { workerId: 'qcu-2' });
    clients.push(jobs2, qcu2, other);
    await Promise.all([jobs2.waitForReady(), qcu2.waitForReady(), other.waitForReady()]);

    const afterRestart = await jobs2.get(handle.jobId);
    expect(afterRestart.state).toBe('running');
    expect(afterRestart.progress.tasksTotal).toBe(12);
    expect(afterRestart.progress.tasksSucceeded).toBeGreaterThanOrEqual(4);
    const resubmitted = await jobs2.submit({ unit: 'momentum', dataset: 'daily', symbols: symbols(7), ...RANGE, taskSize: 2, params: { threshold: 2 }, idempotencyKey: 'crash-B' });
    expect(resubmitted.created).toBe(false);
    expect(resubmitted.jobId).toBe(jobB.jobId);
    expect(resubmitted.job.progress).toMatchObject({ tasksTotal: 4, tasksQueued: 4 });

    // Leases in flight survive the restart: the same attempts complete (task 4 again: recorded once either way).
    const inflight = await qcu2.complete([ok(long[4]!, 'racing'), ok(long[5]!, 'after')]);
    expect(inflight.map((a) => a.accepted)).toEqual([true, true]);
    // The short leases expire and requeue; their old attempts are fenced off.
    const rest = await other.lease({ units: [{ name: 'ranker', version: '2.0.0' }], maxTasks: 10, waitMs: 10_000 });
    const restIndexes = rest.map((t) => t.index).sort((a, b) => a - b);
    if (restIndexes[0] !== 6) rest.push(...(await other.lease({ units: [{ name: 'ranker', version: '2.0.0' }], maxTasks: 10, waitMs: 10_000 })));
    expect(rest.map((t) => t.index).sort((a, b) => a - b)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(rest.filter((t) => t.index < 8).map((t) => t.attempt)).toEqual([2, 2]);
    expect((await qcu2.complete([ok(short[0]!, 'stale')]))[0]).toMatchObject({ accepted: false, reason: 'lease_lost' });
    expect((await other.complete(rest.map((t) => ok(t, 'after')))).every((a) => a.accepted)).toBe(true);

    // The final task sees every regular result exactly once, with the value acknowledged for it.
    const [final] = await other.lease({ units: UNITS, maxTasks: 1, waitMs: 5_000 });
    expect(final).toMatchObject({ final: true, index: 12 });
    const expected = Array.from({ length: 12 }, (_, i) => ({
      index: i,
      result: { index: i, symbol: symbols(12)[i], phase: i < 4 ? 'before' : i === 4 ? 'racing' : 'after' },
    }));
    expect(final!.parts).toEqual(expected);
    await other.complete([{ taskId: final!.taskId, attempt: final!.attempt, ok: true, result: { parts: final!.parts.length } }]);

    const done = await waiting;
    expect(done).toMatchObject({ jobId: handle.jobId, state: 'succeeded', result: { parts: 12 }, progress: { tasksTotal: 13, tasksSucceeded: 13 } });

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });
});
