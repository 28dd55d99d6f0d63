import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type FlorinConnection } from '@florin/client';
import { generateMarket } from '@florin/store';
import { OtlpReceiver, startTelemetry, type Telemetry } from '@florin/telemetry';
import { ProcessGroup, TEST_UNITS, until, type LaunchedProcess, type ReceivedSpan } from '@florin/test-support';

/**
 * One job through a real cluster (`florin up`: 2 shards, 1 head, a coordinator, 1 QCU, every
 * process with telemetry on, pushing to an OTLP receiver in this test) and the SDK in this process:
 * one trace spans client, coordinator, QCU, head and shard; the metrics arrive with the values the
 * processes counted; the units' log lines come back through the coordinator.
 */
const MARKET = { symbols: 6, years: 2, seed: 5 };
const SYMBOLS = generateMarket(MARKET).symbols;
const RANGE = { start: Date.UTC(2024, 6, 1), end: Date.UTC(2025, 6, 1) };

interface ClusterFile {
  heads: { address: string; pid: number }[];
  shards: { address: string; pid: number }[];
  coordinator: { address: string; pid: number };
  qcus: { pid: number }[];
}

const group = new ProcessGroup();
let dir: string;
let receiver: OtlpReceiver;
let telemetry: Telemetry;
let up: LaunchedProcess;
let connection: FlorinConnection;
const saved = { ...process.env };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'florin-job-trace-'));
  receiver = new OtlpReceiver();
  await receiver.listen();
  // The role processes inherit these: metrics every 500 ms, spans within 100 ms.
  process.env.OTEL_METRIC_EXPORT_INTERVAL = '500';
  process.env.OTEL_BSP_SCHEDULE_DELAY = '100';
  const dataDir = join(dir, 'cluster');
  const flags = ['--shards', '2', '--heads', '1', '--qcus', '1', '--units', TEST_UNITS, '--symbols', String(MARKET.symbols), '--years', String(MARKET.years), '--seed', String(MARKET.seed)];
  up = await group.launch('florin up', ['up', '--data-dir', dataDir, '--plaintext', ...flags, '--telemetry-endpoint', receiver.endpoint], /Ctrl-C stops it/, 110_000);
  const info = JSON.parse(await readFile(join(dataDir, 'cluster.json'), 'utf8')) as ClusterFile;
  for (const p of [...info.shards, ...info.heads, info.coordinator, ...info.qcus]) group.adopt(p.pid);
  telemetry = startTelemetry({ role: 'client', instanceId: 'test', endpoint: receiver.endpoint, enabled: true, metricIntervalMs: 500, env: {} });
  connection = connect({ heads: info.heads.map((h) => h.address), coordinator: info.coordinator.address });
}, 120_000);

afterAll(async () => {
  try {
    connection?.close();
    await telemetry?.shutdown();
    if (up) await group.stop(up, 30_000, 'SIGINT');
  } finally {
    await group.killAll();
    await receiver?.close();
    process.env = saved;
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

const role = (s: ReceivedSpan): unknown => s.attributes['florin.role'];

describe('telemetry of a job through a real cluster', () => {
  it('one trace spans client, coordinator, QCU, head and shard; metrics match what the processes counted', { timeout: 90_000 }, async () => {
    const jobs = connection.jobs!;
    const handle = await jobs.submit({ unit: 'momentum-paced', dataset: 'bars', symbols: SYMBOLS.slice(0, 3), startMs: RANGE.start, endMs: RANGE.end, taskSize: 3 });
    const job = await handle.wait();
    expect(job.state).toBe('succeeded');
    await telemetry.flush();

    // The SDK's submit span roots the trace.
    const submit = receiver.store.spans({ name: 'florin.v1.JobService/Submit', attributes: { 'florin.role': 'client' } });
    expect(submit).toHaveLength(1);
    const traceId = submit[0]!.traceId;
    const trace = (): ReceivedSpan[] => receiver.store.spans({ traceId });
    const has = (pred: (s: ReceivedSpan) => boolean): boolean => trace().some(pred);
    // The final step's read: a head Read right under the final task's span (each process exports on its own schedule).
    const finalStepRead = (): boolean => {
      const final = trace().find((s) => role(s) === 'qcu' && s.name === 'florin.qcu.task momentum-paced' && s.attributes['florin.task.index'] === 1);
      return final !== undefined && has((s) => s.name === 'florin.v1.HeadService/Read' && s.parentSpanId === final.spanId);
    };
    await until(() => has((s) => s.name === 'store.read') && finalStepRead(), 20_000);
    const spans = trace();
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentOf = (s: ReceivedSpan): ReceivedSpan | undefined => byId.get(s.parentSpanId);
    /** Walks up to the root; every hop must be in this trace. */
    const ancestry = (s: ReceivedSpan): ReceivedSpan[] => {
      const chain = [s];
      for (let p = parentOf(s); p; p = parentOf(p)) chain.push(p);
      return chain;
    };

    // client -> coordinator: the server span of the submit continues the client's.
    const coordinatorSubmit = spans.find((s) => role(s) === 'coordinator' && s.name === 'florin.v1.JobService/Submit')!;
    expect(coordinatorSubmit.parentSpanId).toBe(submit[0]!.spanId);
    expect(coordinatorSubmit.resource['florin.role']).toBe('coordinator');

    // coordinator -> QCU: each task's span is a child of the submit's server span (the traceparent stored with the job).
    const tasks = spans.filter((s) => role(s) === 'qcu' && s.name === 'florin.qcu.task momentum-paced');
    expect(tasks.map((t) => t.attributes['florin.task.index']).sort()).toEqual([0, 1]); // task 0 and the final step
    for (const t of tasks) {
      expect(t.parentSpanId).toBe(coordinatorSubmit.spanId);
      expect(t.resource['florin.role']).toBe('qcu');
      expect(t.attributes['florin.job.id']).toBe(job.jobId);
    }

    // QCU -> head: the task's reads are HeadService/Read server spans under the task span, saying how the cache answered.
    const task0 = tasks.find((t) => t.attributes['florin.task.index'] === 0)!;
    const headReads = spans.filter((s) => role(s) === 'head' && s.name === 'florin.v1.HeadService/Read' && s.parentSpanId === task0.spanId);
    expect(headReads.length).toBeGreaterThanOrEqual(1);
    for (const r of headReads) {
      expect(r.resource['florin.role']).toBe('head');
      expect(['hit', 'join', 'miss', 'partial']).toContain(r.attributes['florin.cache.result']);
    }
    // The first read of these symbols missed: a chunk fetch under it, then the shard's Read, then its store query.
    const fetches = spans.filter((s) => s.name === 'florin.head.fetch');
    expect(fetches.length).toBeGreaterThanOrEqual(1);
    // Each fetch serves task 0's read of the market; the final step reads what task 0 published into its new
    // output dataset from the heads' caches (they cached the rows written through them), so no shard Read is under it.
    for (const f of fetches) expect(tasks.filter((t) => ancestry(f).includes(t))).toEqual([task0]);
    const finalTask = tasks.find((t) => t.attributes['florin.task.index'] === 1)!;
    const finalReads = spans.filter((s) => role(s) === 'head' && s.name === 'florin.v1.HeadService/Read' && ancestry(s).includes(finalTask));
    expect(finalReads.length).toBeGreaterThanOrEqual(1);
    for (const r of finalReads) expect(r.attributes['florin.cache.result']).toBe('hit');
    const shardReads = spans.filter((s) => role(s) === 'shard' && s.name === 'florin.v1.ShardService/Read');
    expect(shardReads.length).toBeGreaterThanOrEqual(1);
    for (const s of shardReads) {
      expect(ancestry(s)).not.toContain(finalTask);
      expect(parentOf(s)!.name).toBe('florin.head.fetch');
      expect(s.resource['florin.role']).toBe('shard');
    }
    const storeReads = spans.filter((s) => s.name === 'store.read');
    for (const s of storeReads) expect(parentOf(s)!.name).toBe('florin.v1.ShardService/Read');
    // Every span of the trace hangs off the client's submit.
    for (const s of spans) expect(ancestry(s).at(-1)!.spanId).toBe(submit[0]!.spanId);
    const missRead = headReads.find((r) => fetches.some((f) => ancestry(f).includes(r)));
    expect(missRead?.attributes['florin.cache.result']).toMatch(/^(miss|partial)$/);

    // Metrics: the head's upstream points equal the points the shards read, once both have exported.
    const sum = (name: string): number => receiver.store.metricPoints(name).reduce((n, p) => n + p.value, 0);
    await until(() => sum('florin.shard.read.points') > 0 && sum('florin.head.upstream.points') === sum('florin.shard.read.points'), 20_000);
    // The coordinator: two tasks (task 0 and the final step) succeeded, one job succeeded, nothing queued.
    const completed = (): number => receiver.store.metricPoints('florin.coordinator.tasks.completed', { attributes: { 'florin.task.outcome': 'success' } }).reduce((n, p) => n + p.value, 0);
    await until(() => completed() === 2, 20_000);
    expect(receiver.store.metricPoints('florin.coordinator.tasks.leased')[0]!.value).toBe(2);
    expect(receiver.store.metricPoints('florin.coordinator.task.duration', { attributes: { 'florin.task.outcome': 'success' } })[0]!.count).toBe(2);
    expect(receiver.store.metricPoints('florin.coordinator.jobs.ended', { attributes: { 'florin.job.state': 'succeeded' } })[0]!.value).toBe(1);
    await until(() => receiver.store.metricPoints('florin.coordinator.jobs', { attributes: { 'florin.job.state': 'succeeded' } })[0]?.value === 1, 20_000);
    expect(receiver.store.metricPoints('florin.coordinator.queue.depth')[0]!.value).toBe(0);
    // The QCU's slots were busy for a while and idle the rest.
    const slot = (state: string): number => receiver.store.metricPoints('florin.qcu.slot.time', { attributes: { 'florin.qcu.state': state } })[0]?.value ?? 0;
    await until(() => slot('busy') > 0 && slot('idle') > 0, 20_000);
    // RPC server durations per method and status, from every role.
    for (const [service, method] of [['florin.v1.JobService', 'Submit'], ['florin.v1.WorkService', 'LeaseTasks'], ['florin.v1.HeadService', 'Read'], ['florin.v1.ShardService', 'Read']] as const) {
      expect(receiver.store.metricPoints('rpc.server.duration', { attributes: { 'rpc.service': service, 'rpc.method': method, 'rpc.grpc.status_code': 0 } }).length, `${service}/${method}`).toBeGreaterThan(0);
    }

    // Store latency on the shards, per the database semantic conventions.
    expect(receiver.store.metricPoints('db.client.operation.duration', { attributes: { 'db.system.name': 'duckdb', 'db.operation.name': 'read' }, resource: { 'florin.role': 'shard' } }).reduce((n, p) => n + p.count, 0)).toBeGreaterThan(0);
    // RPC client durations too (a histogram point per call, no client span): the QCU's calls to the coordinator and heads, the head's to the shards.
    for (const [service, method, from] of [['florin.v1.WorkService', 'CompleteTasks', 'qcu'], ['florin.v1.HeadService', 'Read', 'qcu'], ['florin.v1.ShardService', 'Read', 'head'], ['florin.v1.JobService', 'Submit', 'client']] as const) {
      // Each process exports every 500 ms: the last calls (the final CompleteTasks) arrive with the next export.
      const calls = (): number => receiver.store.metricPoints('rpc.client.duration', { attributes: { 'rpc.service': service, 'rpc.method': method, 'rpc.grpc.status_code': 0 }, resource: { 'florin.role': from } }).reduce((n, p) => n + p.count, 0);
      await until(() => calls() > 0, 20_000, `${from} -> ${service}/${method} in rpc.client.duration`);
    }

    // The units' ctx.log lines are kept with each task and come back through the coordinator.
    const logs = await handle.logs();
    // Task 0 logged; the final step (momentum's backtest) logged nothing, so it is left out.
    expect(logs.map((t) => [t.index, t.final, t.attempt, t.state])).toEqual([[0, false, 1, 'succeeded']]);
    expect(logs[0]!.lines.map((l) => (JSON.parse(l.message.replace(/^fixture /, '')) as { event: string }).event)).toEqual(['start', 'done']);
  });

  it('a failed job reports its failed task log; `florin jobs logs` prints the lines', { timeout: 60_000 }, async () => {
    const jobs = connection.jobs!;
    const handle = await jobs.submit({ unit: 'always-throws', dataset: 'bars', symbols: SYMBOLS.slice(0, 1), startMs: RANGE.start, endMs: RANGE.end, maxAttempts: 1 });
    const job = await handle.wait();
    expect(job.state).toBe('failed');
    expect(job.failureLog!.map((l) => JSON.parse(l.message.replace(/^fixture /, '')) as { event: string; attempt: number })).toMatchObject([{ event: 'start', attempt: 1 }]);
    await expect(handle.result()).rejects.toThrow(/last log lines of the failed task:\n {2}\| fixture \{"event":"start"/);
    const logs = await handle.logs();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ index: 0, attempt: 1, state: 'failed' });
    await expect(jobs.logs('job-unknown')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await until(() => receiver.store.metricPoints('florin.coordinator.jobs.ended', { attributes: { 'florin.job.state': 'failed' } })[0]?.value === 1, 20_000);
  });
});
