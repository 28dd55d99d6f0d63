// The dashboard's APIs at the size the issue names: 10,000 jobs on a real coordinator (SQLite) and 5,000
// members in discovery. Pages cost the same wherever they are (paged in the coordinator and in the member
// list; only a page's members are probed), and live updates are incremental (the event stream sends the
// changed jobs, never the whole list).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobsClient } from '@florin/client';
import { openJobStore, runCoordinator, type RunningCoordinator } from '@florin/coordinator';
import { createDiscovery, FLORIN_ROLE, FLORIN_STARTED_MS, FLORIN_VERSION } from '@florin/discovery';
import { DashboardServer, type JobView, type MembersPage } from '@florin/dashboard';
import { freePort, RANGE } from '@florin/test-support';

const JOBS = 10_000;
const HEADS = 3_000;
const SHARDS = 1_999;

async function getJson<T>(url: string): Promise<{ body: T; ms: number; status: number }> {
  const started = performance.now();
  const res = await fetch(url);
  const body = (await res.json()) as T;
  return { body, ms: performance.now() - started, status: res.status };
}

describe('dashboard APIs with 10,000 jobs and 5,000 members', () => {
  let dir: string;
  let coordinator: RunningCoordinator;
  let jobs: JobsClient;
  let dashboard: DashboardServer;
  let url: string;
  const jobIds: string[] = [];

  beforeAll(async () => {
    // The 10,000 jobs are written into the coordinator's SQLite store before it starts (what 10,000 submits
    // leave behind, without 10,000 RPCs' worth of test time), one transaction each, in submit order.
    dir = await mkdtemp(join(tmpdir(), 'florin-dashboard-scale-'));
    const path = join(dir, 'jobs.sqlite');
    const started = performance.now();
    const store = await openJobStore({ kind: 'sqlite', path, synchronous: 'NORMAL' });
    const firstMs = Date.now() - JOBS * 1_000; // one submit a second, up to now
    try {
      for (let i = 0; i < JOBS; i++) {
        const jobId = `job-${String(i).padStart(5, '0')}`;
        const spec = { unit: 'momentum', unitVersion: '1.0.0', dataset: 'daily', symbols: [`S${i}`], ...RANGE, taskSize: 1, paramsJson: `{"threshold":${i}}`, outputDataset: `momentum_signal_${i % 3}`, idempotencyKey: '', maxAttempts: 3 };
        await store.createJob({ jobId, spec, specHash: jobId, hasFinal: false, traceparent: '', owner: `owner-${i % 3}`, nowMs: firstMs + i * 1_000 });
        jobIds.push(jobId);
      }
    } finally {
      await store.close();
    }
    console.log(`wrote ${JOBS} jobs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    coordinator = await runCoordinator({ store: `sqlite:${path}` });
    jobs = new JobsClient(coordinator.address);
    // Members nobody listens on (a port just freed): probes fail fast, as for members that went away.
    const closed = await freePort();
    const member = (role: string, i: number) => ({ id: `${role}-${i}`, address: `127.0.0.1:${closed}`, attributes: { [FLORIN_ROLE]: role, [FLORIN_VERSION]: '0.1.0', [FLORIN_STARTED_MS]: '1700000000000' } });
    const discovery = createDiscovery({
      kind: 'static',
      services: {
        coordinator: [{ id: 'coordinator', address: coordinator.address, attributes: { [FLORIN_ROLE]: 'coordinator', [FLORIN_VERSION]: '0.1.0' } }],
        heads: Array.from({ length: HEADS }, (_, i) => member('head', i)),
        shards: Array.from({ length: SHARDS }, (_, i) => member('shard', i)),
      },
    });
    dashboard = new DashboardServer({ discovery, closeDiscovery: true, jobPollMs: 200 });
    url = await dashboard.start();
  }, 180_000);

  afterAll(async () => {
    await dashboard?.close();
    jobs?.close();
    await coordinator?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('walks all 10,000 jobs a page of 50 at a time, each exactly once, newest first', async () => {
    const seen: string[] = [];
    const created: number[] = [];
    const times: number[] = [];
    let token = '';
    do {
      const { body, ms, status } = await getJson<{ jobs: JobView[]; nextPageToken: string }>(`${url}api/jobs?limit=50${token ? `&page_token=${token}` : ''}`);
      expect(status).toBe(200);
      times.push(ms);
      seen.push(...body.jobs.map((j) => j.jobId));
      created.push(...body.jobs.map((j) => j.createdMs));
      token = body.nextPageToken;
    } while (token);
    expect(times).toHaveLength(JOBS / 50);
    // Each exactly once, newest first.
    expect(seen).toEqual([...jobIds].reverse());
    expect(created.every((t, i) => i === 0 || t < created[i - 1]!)).toBe(true);
    times.sort((a, b) => a - b);
    console.log(`jobs pages: ${times.length}, median ${times[times.length >> 1]!.toFixed(1)} ms, max ${times[times.length - 1]!.toFixed(1)} ms`);
    // Generous (a shared 2-core machine): the last page costs what the first does, far from a full scan per page.
    expect(times[times.length >> 1]!).toBeLessThan(500);
  });

  it('pages 5,000 members, probing only the members of the page asked for', async () => {
    const first = await getJson<MembersPage>(`${url}api/cluster?limit=50`);
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(1 + HEADS + SHARDS);
    expect(first.body.roles).toEqual({ coordinator: { members: 1, healthy: 1 }, head: { members: HEADS, healthy: HEADS }, shard: { members: SHARDS, healthy: SHARDS } });
    expect(first.body.members[0]).toMatchObject({ id: 'coordinator', role: 'coordinator', health: 'serving', version: '0.1.0' });
    // Sorted by role, then id in numeric order.
    expect(first.body.members.slice(1, 4).map((m) => m.id)).toEqual(['head-0', 'head-1', 'head-2']);
    const deep = await getJson<MembersPage>(`${url}api/cluster?offset=4000&limit=50&role=shard`);
    expect(deep.body.total).toBe(SHARDS);
    expect(deep.body.members).toEqual([]);
    const shards = await getJson<MembersPage>(`${url}api/cluster?offset=1950&limit=50&role=shard`);
    expect(shards.body.members.map((m) => m.id)).toEqual(Array.from({ length: 49 }, (_, i) => `shard-${1950 + i}`));
    expect(new Set(shards.body.members.map((m) => m.health))).toEqual(new Set(['unreachable']));
    expect(shards.body.members[0]!.uptimeMs).toBeGreaterThan(0);
    console.log(`members pages: first ${first.ms.toFixed(1)} ms, shard page ${shards.ms.toFixed(1)} ms`);
    expect(shards.ms).toBeLessThan(5_000);
  });

  it('streams job changes incrementally: the open jobs once, then only what changed', async () => {
    const controller = new AbortController();
    const res = await fetch(`${url}api/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const events: { event: string; data: unknown }[] = [];
    let buffer = '';
    const readUntil = async (done: () => boolean): Promise<void> => {
      while (!done()) {
        const { value, done: end } = await reader.read();
        if (end) throw new Error('event stream ended');
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    };
    try {
      // The first look: the newest 100 and the 1,000 newest open jobs (all queued here), not all 10,000.
      await readUntil(() => events.filter((e) => e.event === 'job').length >= 1_000);
      await new Promise((r) => setTimeout(r, 600));
      const firstLook = events.filter((e) => e.event === 'job').length;
      expect(firstLook).toBe(1_000);
      const target = jobIds[4_321]!;
      await jobs.cancel(target);
      await readUntil(() => events.some((e) => e.event === 'job' && (e.data as JobView).jobId === target));
      // An old job (not among the followed open ones) cancelled: its change comes through updated_since_ms.
      const jobEvents = events.filter((e) => e.event === 'job').map((e) => e.data as JobView);
      const cancelled = jobEvents.find((j) => j.jobId === target)!;
      expect(cancelled.state).toBe('cancelled');
      expect(jobEvents.length - firstLook).toBe(1);
      expect(events[0]).toEqual({ event: 'hello', data: { jobs: true } });
    } finally {
      controller.abort();
    }
  });

  it('answers bad input with 400 and the reason, unknown jobs with 404', async () => {
    const bad = await getJson<{ error: { code: string; message: string } }>(`${url}api/jobs?limit=5000`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({ code: 'INVALID_ARGUMENT', message: 'limit must be an integer from 0 to 1000, got "5000"' });
    const token = await getJson<{ error: { code: string; message: string } }>(`${url}api/jobs?page_token=zzz`);
    expect(token.status).toBe(400);
    expect(token.body.error.code).toBe('INVALID_ARGUMENT');
    const missing = await getJson<{ error: { code: string; message: string } }>(`${url}api/jobs/job-nope/tasks`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual({ code: 'NOT_FOUND', message: 'unknown job "job-nope"' });
    const state = await getJson<{ error: { code: string } }>(`${url}api/jobs?state=done`);
    expect(state.status).toBe(400);
    const foreign = await fetch(`${url}api/jobs/${jobIds[0]}/cancel`, { method: 'POST', headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect((await jobs.get(jobIds[0]!)).state).toBe('queued');
  });
});
