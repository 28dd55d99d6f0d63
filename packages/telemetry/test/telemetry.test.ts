import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { Metadata } from '@grpc/grpc-js';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { traceServerCall, withTraceContext, inChildSpan, traceLogFields, createLogger, FlorinError } from '@florin/core';
import { OtlpReceiver, startTelemetry, resolveTelemetryConfig, type Telemetry } from '@florin/telemetry';
import { HungCollector, until } from '@florin/test-support';

let telemetry: Telemetry | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await telemetry?.shutdown();
  await receiver?.close();
  telemetry = receiver = undefined;
});

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('config', () => {
  it('is off by default and on with FLORIN_TELEMETRY=otlp; OTEL_SDK_DISABLED wins', () => {
    expect(resolveTelemetryConfig({ role: 'head', instanceId: 'h0', env: {} }).enabled).toBe(false);
    expect(resolveTelemetryConfig({ role: 'head', instanceId: 'h0', env: { FLORIN_TELEMETRY: 'otlp' } }).enabled).toBe(true);
    expect(resolveTelemetryConfig({ role: 'head', instanceId: 'h0', enabled: true, env: { OTEL_SDK_DISABLED: 'true' } }).enabled).toBe(false);
    expect(resolveTelemetryConfig({ role: 'head', instanceId: 'h0', endpoint: 'collector:4317', env: {} }).endpoint).toBe('http://collector:4317');
    expect(resolveTelemetryConfig({ role: 'head', instanceId: 'h0', env: { ECS_CONTAINER_METADATA_URI_V4: 'http://169.254.170.2/v4/x' } }).onEcs).toBe(true);
    expect(() => resolveTelemetryConfig({ role: 'head', instanceId: 'h0', env: { FLORIN_TELEMETRY: 'yes' } })).toThrow(/FLORIN_TELEMETRY must be "otlp" or "off"/);
  });

  it('off: a no-op handle; server calls still run', async () => {
    telemetry = startTelemetry({ role: 'head', instanceId: 'h0', env: {} });
    expect(telemetry.enabled).toBe(false);
    expect(await traceServerCall('/florin.v1.HeadService/Read', new Metadata(), async () => 7)).toBe(7);
    await telemetry.shutdown();
    await telemetry.shutdown();
  });
});

describe('export to a local OTLP receiver', () => {
  it('delivers spans (continuing the caller trace), rpc.server.duration and logs with resource attributes', async () => {
    receiver = new OtlpReceiver();
    await receiver.listen();
    telemetry = startTelemetry({ role: 'head', instanceId: 'head-7', endpoint: receiver.endpoint, enabled: true, metricIntervalMs: 200, traceSampleRatio: 1, env: {} });
    const incoming = new Metadata();
    incoming.set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    let outgoing: Metadata | undefined;
    let logFields = {};
    const lines: string[] = [];
    await traceServerCall('/florin.v1.HeadService/Read', incoming, async () => {
      outgoing = withTraceContext();
      logFields = traceLogFields();
      await inChildSpan('store.query', { 'db.system.name': 'duckdb' }, async () => undefined);
      logs.getLogger('test').emit({ severityNumber: SeverityNumber.INFO, severityText: 'info', body: 'inside the read' });
      // Core's pino logger: the line goes to its destination and, exported, carries the span's ids and its fields.
      createLogger('qcu', { destination: { write: (line: string) => void lines.push(line) } }).warn({ jobId: 'job-1', n: 3, detail: { a: 1 } }, 'unit said %s', 'hi');
    });
    await expect(
      traceServerCall('/florin.v1.HeadService/Read', new Metadata(), async () => {
        throw new FlorinError('NOT_FOUND', 'no such dataset');
      }),
    ).rejects.toThrow('no such dataset');
    await telemetry.flush();

    await until(() => receiver!.store.spans({ traceId: '0af7651916cd43dd8448eb211c80319c' }).length === 2, 10_000);
    const spans = receiver.store.spans({ traceId: '0af7651916cd43dd8448eb211c80319c' });
    const server = spans.find((s) => s.name === 'florin.v1.HeadService/Read')!;
    expect(server.parentSpanId).toBe('b7ad6b7169203331');
    expect(server.kind).toBe(2);
    expect(server.attributes).toMatchObject({ 'rpc.system': 'grpc', 'rpc.service': 'florin.v1.HeadService', 'rpc.method': 'Read', 'rpc.grpc.status_code': 0, 'florin.role': 'head' });
    expect(server.resource).toMatchObject({ 'service.name': 'florin-head', 'florin.role': 'head', 'service.instance.id': 'head-7', 'service.version': '0.1.0' });
    const store = spans.find((s) => s.name === 'store.query')!;
    expect(store.parentSpanId).toBe(server.spanId);
    expect(outgoing!.get('traceparent')[0]).toBe(`00-0af7651916cd43dd8448eb211c80319c-${server.spanId}-01`);
    expect(logFields).toEqual({ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: server.spanId, trace_flags: '01' });
    const failed = receiver.store.spans({ attributes: { 'rpc.grpc.status_code': 5 } });
    expect(failed).toHaveLength(1);

    await until(() => receiver!.store.metricPoints('rpc.server.duration').length === 2, 10_000);
    const ok = receiver.store.metricPoints('rpc.server.duration', { attributes: { 'rpc.method': 'Read', 'rpc.grpc.status_code': 0 } });
    expect(ok).toHaveLength(1);
    expect(ok[0]!).toMatchObject({ kind: 'histogram', unit: 'ms', count: 1 });
    expect(receiver.store.metricPoints('florin.telemetry.dropped_spans')[0]!.value).toBe(0);

    await until(() => receiver!.store.logs().length >= 2, 10_000);
    const log = receiver.store.logs().find((l) => l.body === 'inside the read')!;
    expect(log).toMatchObject({ body: 'inside the read', traceId: '0af7651916cd43dd8448eb211c80319c', spanId: server.spanId });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ message: 'unit said hi', jobId: 'job-1', trace_id: '0af7651916cd43dd8448eb211c80319c' });
    const pinoLog = receiver.store.logs().find((l) => l.body === 'unit said hi')!;
    expect(pinoLog).toMatchObject({
      severityText: 'WARN',
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: server.spanId,
      attributes: { 'florin.logger': 'qcu', jobId: 'job-1', n: 3, detail: '{"a":1}' },
    });
  });
});

describe('collector unreachable', () => {
  it('calls never wait on export, even while an export hangs on a collector that never answers; lost spans are counted', async () => {
    const hole = await HungCollector.start();
    try {
      // Exports time out only after ten minutes: a call that waited on one would outlast the test's timeout.
      telemetry = startTelemetry({ role: 'head', instanceId: 'h0', endpoint: hole.endpoint, enabled: true, maxQueueSize: 100, exportTimeoutMs: 600_000, traceSampleRatio: 1, env: {} });
      const calls = async (n: number): Promise<void> => {
        for (let i = 0; i < n; i++) expect(await traceServerCall('/florin.v1.HeadService/Read', new Metadata(), async () => i)).toBe(i);
      };
      await calls(5_000);
      // An export is on the wire and nothing will answer it.
      await until(() => hole.bytes() > 0, 20_000, 'the exporter to write to the collector');
      await calls(5_000);
      // 10,000 spans through a queue of 100 with one export (a batch of at most 100) in flight at a time:
      // all but those two hundred are lost (queue full, or their batch failed), and every lost one is counted.
      expect(telemetry.droppedSpans()).toBeGreaterThanOrEqual(9_800);
      expect(telemetry.droppedSpans()).toBeLessThanOrEqual(10_000);
    } finally {
      // Hang up first, so that shutdown's last exports fail at once instead of waiting out their timeout.
      await hole.close();
    }
  });

  it('a refused connection loses the spans of every batch, counted', async () => {
    const port = await closedPort();
    telemetry = startTelemetry({ role: 'head', instanceId: 'h0', endpoint: `127.0.0.1:${port}`, enabled: true, maxQueueSize: 100, exportTimeoutMs: 500, traceSampleRatio: 1, env: {} });
    for (let i = 0; i < 5_000; i++) await traceServerCall('/florin.v1.HeadService/Read', new Metadata(), async () => i);
    // 5,000 spans into a queue of 100 whose exports all fail: every span is lost (queue full,
    // or its batch's export failed), and counted.
    await until(() => telemetry!.droppedSpans() >= 4_900, 20_000, `at least 4,900 of 5,000 spans counted as dropped (got ${telemetry.droppedSpans()})`);
    expect(telemetry.droppedSpans()).toBeLessThanOrEqual(5_000);
  });
});
