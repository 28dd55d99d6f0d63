import { afterEach, describe, expect, it } from 'vitest';
import { Metadata } from '@grpc/grpc-js';
import { context, trace } from '@opentelemetry/api';
import { inChildSpan, traceServerCall, withTraceContext } from '@florin/core';
import { OtlpReceiver, SampledSpanContextManager, resolveTelemetryConfig, startTelemetry, type Telemetry } from '@florin/telemetry';
import { until } from '@florin/test-support';

let telemetry: Telemetry | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await telemetry?.shutdown();
  await receiver?.close();
  telemetry = receiver = undefined;
});

const READ = '/florin.v1.HeadService/Read';
const traced = (flags: '01' | '00', traceId: string): Metadata => {
  const m = new Metadata();
  m.set('traceparent', `00-${traceId}-b7ad6b7169203331-${flags}`);
  return m;
};

async function start(ratio: number): Promise<OtlpReceiver> {
  receiver = new OtlpReceiver();
  await receiver.listen();
  telemetry = startTelemetry({ role: 'head', instanceId: 'h0', endpoint: receiver.endpoint, enabled: true, metricIntervalMs: 200, traceSampleRatio: ratio, env: {} });
  return receiver;
}

describe('trace sampling', () => {
  it('reads the ratio from the option, FLORIN_TRACE_SAMPLE_RATIO or the standard OTEL_TRACES_SAMPLER_ARG, and refuses nonsense', () => {
    const ratio = (env: NodeJS.ProcessEnv, option?: number): number => resolveTelemetryConfig({ role: 'head', instanceId: 'h0', env, ...(option !== undefined ? { traceSampleRatio: option } : {}) }).traceSampleRatio;
    expect(ratio({})).toBe(0.001);
    expect(ratio({ FLORIN_TRACE_SAMPLE_RATIO: '0.25' })).toBe(0.25);
    expect(ratio({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' })).toBe(0.5);
    expect(ratio({ OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: '0.5' })).toBe(0.001);
    expect(ratio({ FLORIN_TRACE_SAMPLE_RATIO: '0.25' }, 1)).toBe(1);
    expect(() => ratio({ FLORIN_TRACE_SAMPLE_RATIO: '2' })).toThrow(/FLORIN_TRACE_SAMPLE_RATIO must be a number from 0 to 1, got "2"/);
    expect(() => ratio({ FLORIN_TRACE_SAMPLE_RATIO: 'all' })).toThrow(/FLORIN_TRACE_SAMPLE_RATIO/);
  });

  it('ratio 0: untraced calls make no span but every call is in rpc.server.duration; a sampled caller is followed, an unsampled one is not', async () => {
    const r = await start(0);
    for (let i = 0; i < 20; i++) await traceServerCall(READ, new Metadata(), async () => i);
    let childRan = false;
    await traceServerCall(READ, traced('01', '0af7651916cd43dd8448eb211c80319c'), async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      // After an await the sampled span is still the active one: children and propagation work.
      await inChildSpan('store.read', {}, async () => {
        childRan = true;
      });
      expect(withTraceContext()?.get('traceparent')[0]).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    });
    await traceServerCall(READ, traced('00', '1af7651916cd43dd8448eb211c80319c'), async () => {
      // Unsampled: nothing to propagate, no child span.
      expect(withTraceContext()).toBeUndefined();
      expect(trace.getActiveSpan()?.isRecording() ?? false).toBe(false);
    });
    expect(childRan).toBe(true);
    await telemetry!.flush();
    await until(() => r.store.spans({ traceId: '0af7651916cd43dd8448eb211c80319c' }).length === 2, 10_000);
    await until(() => r.store.metricPoints('rpc.server.duration', { attributes: { 'rpc.method': 'Read' } }).reduce((n, p) => n + p.count, 0) === 22, 10_000);
    expect(r.store.spans({ name: 'florin.v1.HeadService/Read' })).toHaveLength(1);
    expect(r.store.spans({ traceId: '1af7651916cd43dd8448eb211c80319c' })).toHaveLength(0);
  });

  it('ratio 1: every untraced call roots a trace', async () => {
    const r = await start(1);
    for (let i = 0; i < 10; i++) await traceServerCall(READ, new Metadata(), async () => i);
    await telemetry!.flush();
    await until(() => r.store.spans({ name: 'florin.v1.HeadService/Read' }).length === 10, 10_000);
    expect(new Set(r.store.spans({ name: 'florin.v1.HeadService/Read' }).map((s) => s.traceId)).size).toBe(10);
  });
});

describe('SampledSpanContextManager', () => {
  it('keeps a sampled span across awaits, and turns AsyncLocalStorage off once no sampled span is in flight', async () => {
    await start(0);
    // The SDK's tracer decides sampling; this manager (installed in place of the SDK's) carries the contexts.
    const manager = new SampledSpanContextManager().enable();
    context.disable();
    context.setGlobalContextManager(manager);
    const tracer = trace.getTracer('test');
    const parent = trace.setSpanContext(context.active(), { traceId: '2af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
    const span = tracer.startSpan('sampled', {}, parent);
    expect(span.isRecording()).toBe(true);
    const body = context.with(trace.setSpan(context.active(), span), async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await Promise.resolve();
      return trace.getActiveSpan();
    });
    expect(manager.storageOn).toBe(true);
    const seen = await body;
    span.end();
    expect(seen).toBe(span);
    expect(manager.storageOn).toBe(false);
    expect(trace.getActiveSpan()).toBeUndefined();
    // An unsampled context never turns it on.
    const unsampled = tracer.startSpan('unsampled', {}, trace.setSpanContext(context.active(), { traceId: '4af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 0, isRemote: true }));
    expect(unsampled.isRecording()).toBe(false);
    await context.with(trace.setSpan(context.active(), unsampled), async () => {
      expect(manager.storageOn).toBe(false);
      await Promise.resolve();
    });
    manager.disable();
  });

  it('an unsampled context is active for the synchronous part of with, and nested sampled work still propagates', async () => {
    await start(0);
    const unsampled = trace.setSpanContext(context.active(), { traceId: '3af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 0 });
    const inside = context.with(unsampled, () => trace.getSpanContext(context.active())?.traceId);
    expect(inside).toBe('3af7651916cd43dd8448eb211c80319c');
    expect(trace.getSpanContext(context.active())).toBeUndefined();
  });
});
