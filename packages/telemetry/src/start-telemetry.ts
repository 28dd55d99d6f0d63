import { context, diag, metrics, propagation, trace, type Meter } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resolveTelemetryConfig, type TelemetryConfig, type TelemetryOptions } from './config.js';
import { DropCountingSpanProcessor } from './drop-counting.js';
import { florinSampler } from './sampling.js';
import { SampledSpanContextManager } from './sampled-context-manager.js';
import { florinResource, resourceDetectors } from './resource.js';
import { logLineEmitter } from './log-bridge.js';
import { serverDurations, setLogSink, setServerRootSampleRatio } from '@florin/core';
import { RpcDurationProducer } from './rpc-duration-producer.js';

/** The scope of the instruments this package makes. */
export const FLORIN_METER = '@florin/telemetry';

/** A process's telemetry: on (an SDK pushing to a collector) or off (every call a no-op). */
export interface Telemetry {
  readonly enabled: boolean;
  readonly config: TelemetryConfig;
  /** The meter role metrics are made from (a no-op meter when off). */
  readonly meter: Meter;
  /** Spans lost so far: queue full or export failed. Also exported as florin.telemetry.dropped_spans. */
  droppedSpans(): number;
  /** Pushes what is buffered now (spans, metrics, logs); never rejects. */
  flush(): Promise<void>;
  /** Flushes and stops the SDK, and resets the global API so telemetry can start again. Idempotent. */
  shutdown(): Promise<void>;
}

let running: Telemetry | undefined;

/**
 * Starts OpenTelemetry for this process: OTLP/gRPC export of traces, metrics and logs to
 * `endpoint` (or OTEL_EXPORTER_OTLP_ENDPOINT). Off unless `enabled` or FLORIN_TELEMETRY=otlp.
 * One SDK per process: starting again while one runs throws.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const config = resolveTelemetryConfig(options);
  if (!config.enabled) return disabledTelemetry(config);
  if (running) throw new Error(`telemetry already started in this process (role ${running.config.role}); shut it down first`);

  const url = config.endpoint;
  const exporterOptions = { ...(url !== undefined ? { url } : {}), timeoutMillis: config.exportTimeoutMs };
  const spans = new DropCountingSpanProcessor(new OTLPTraceExporter(exporterOptions), config);
  const resource = florinResource(config);
  const metricReader = new PeriodicExportingMetricReader({
    metricProducers: [new RpcDurationProducer(serverDurations, resource)],
    exporter: new OTLPMetricExporter(exporterOptions),
    exportIntervalMillis: config.metricIntervalMs,
    exportTimeoutMillis: Math.min(config.exportTimeoutMs, config.metricIntervalMs),
  });
  const logProcessor = new BatchLogRecordProcessor(new OTLPLogExporter(exporterOptions), {
    maxQueueSize: config.maxQueueSize,
    scheduledDelayMillis: config.scheduledDelayMs,
    exportTimeoutMillis: config.exportTimeoutMs,
  });
  const sdk = new NodeSDK({
    resource,
    resourceDetectors: resourceDetectors(config),
    autoDetectResources: true,
    sampler: florinSampler(),
    contextManager: new SampledSpanContextManager(),
    spanProcessors: [spans],
    metricReaders: [metricReader],
    logRecordProcessors: [logProcessor],
    instrumentations: [],
  });
  sdk.start();
  serverDurations.setRecording(true);
  setServerRootSampleRatio(config.traceSampleRatio);

  // Every line core's logger writes (pino JSON) is exported over OTLP too, with the active span's ids.
  setLogSink(logLineEmitter(logs.getLogger('@florin/core')));
  const meter = metrics.getMeter(FLORIN_METER);
  meter
    .createObservableCounter('florin.telemetry.dropped_spans', { description: 'Spans not delivered to the collector (queue full or export failed).', unit: '{span}' })
    .addCallback((result) => result.observe(spans.dropped));

  let stopping: Promise<void> | undefined;
  const handle: Telemetry = {
    enabled: true,
    config,
    meter,
    droppedSpans: () => spans.dropped,
    flush: async () => {
      await Promise.allSettled([spans.forceFlush(), metricReader.forceFlush(), logProcessor.forceFlush()]);
    },
    shutdown: () => {
      stopping ??= (async () => {
        setLogSink(undefined);
        setServerRootSampleRatio(1);
        try {
          await sdk.shutdown();
        } catch {
          // An unreachable collector must not fail a process's exit.
        } finally {
          trace.disable();
          metrics.disable();
          logs.disable();
          propagation.disable();
          context.disable();
          diag.disable();
          serverDurations.setRecording(false);
          if (running === handle) running = undefined;
        }
      })();
      return stopping;
    },
  };
  running = handle;
  return handle;
}

function disabledTelemetry(config: TelemetryConfig): Telemetry {
  return {
    enabled: false,
    config,
    meter: metrics.getMeter(FLORIN_METER),
    droppedSpans: () => 0,
    flush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}
