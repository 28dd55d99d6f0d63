import { DEFAULT_TRACE_SAMPLE_RATIO } from './sampling.js';

/** Florin's own telemetry options; the standard OTEL_* variables fill in the rest. */
export interface TelemetryOptions {
  /** The process's Florin role (shard, head, coordinator, qcu, client, cluster): resource attribute florin.role. */
  role: string;
  /** This process's id (shard index, head id, QCU id, ECS task id): resource attribute service.instance.id. */
  instanceId: string;
  /** Collector address, "host:port" or "http://host:port". Default: OTEL_EXPORTER_OTLP_ENDPOINT, else localhost:4317. */
  endpoint?: string;
  /** Default: FLORIN_TELEMETRY=otlp turns it on; off otherwise. OTEL_SDK_DISABLED=true always wins. */
  enabled?: boolean;
  /** service.version. Default: Florin's version. */
  version?: string;
  /** How often metrics are pushed. Default: OTEL_METRIC_EXPORT_INTERVAL, else 15 s. */
  metricIntervalMs?: number;
  /** Spans that may wait for export; more are dropped (and counted). Default: OTEL_BSP_MAX_QUEUE_SIZE, else 2048. */
  maxQueueSize?: number;
  /** How long one export may take before it is abandoned. Default: OTEL_EXPORTER_OTLP_TIMEOUT, else 5 s. */
  exportTimeoutMs?: number;
  /**
   * Share (0..1) of untraced server calls that root a sampled trace; calls from a traced caller follow
   * its sampled flag, and other roots (a job submit) are always sampled. Default: FLORIN_TRACE_SAMPLE_RATIO,
   * else OTEL_TRACES_SAMPLER_ARG when OTEL_TRACES_SAMPLER=parentbased_traceidratio, else 0.001.
   */
  traceSampleRatio?: number;
  /** Environment to read (tests). Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/** The settings a started SDK uses, resolved once from options and environment. */
export interface TelemetryConfig {
  readonly enabled: boolean;
  readonly role: string;
  readonly instanceId: string;
  readonly version: string;
  /** "http://host:port", or undefined to let the exporters read OTEL_EXPORTER_OTLP_* themselves. */
  readonly endpoint: string | undefined;
  readonly metricIntervalMs: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMs: number;
  readonly exportTimeoutMs: number;
  /** Share of untraced server calls that root a sampled trace (see TelemetryOptions.traceSampleRatio). */
  readonly traceSampleRatio: number;
  /** Whether the AWS ECS resource detector runs (only on ECS: ECS_CONTAINER_METADATA_URI_V4 is set). */
  readonly onEcs: boolean;
}

/** The value of FLORIN_TELEMETRY (or --telemetry) that turns telemetry on. */
export const TELEMETRY_ON = 'otlp';

export const FLORIN_VERSION = '0.1.0';

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function ratio(name: string, raw: string | number | undefined): number | undefined {
  if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new RangeError(`${name} must be a number from 0 to 1, got "${raw}"`);
  return value;
}

/** The root sample ratio: the option, FLORIN_TRACE_SAMPLE_RATIO, the standard OTEL_TRACES_SAMPLER(_ARG), else the default. */
function traceSampleRatio(options: TelemetryOptions, env: NodeJS.ProcessEnv): number {
  const standard = (env.OTEL_TRACES_SAMPLER ?? '').trim().toLowerCase() === 'parentbased_traceidratio' ? ratio('OTEL_TRACES_SAMPLER_ARG', env.OTEL_TRACES_SAMPLER_ARG) : undefined;
  return ratio('traceSampleRatio', options.traceSampleRatio) ?? ratio('FLORIN_TRACE_SAMPLE_RATIO', env.FLORIN_TRACE_SAMPLE_RATIO) ?? standard ?? DEFAULT_TRACE_SAMPLE_RATIO;
}

/** "collector:4317" -> "http://collector:4317"; URLs with a scheme pass through. */
export function endpointUrl(endpoint: string): string {
  const trimmed = endpoint.trim();
  if (trimmed === '') throw new RangeError('telemetry endpoint must not be empty');
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
}

export function resolveTelemetryConfig(options: TelemetryOptions): TelemetryConfig {
  const env = options.env ?? process.env;
  const sdkDisabled = (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true';
  const florinSetting = (env.FLORIN_TELEMETRY ?? '').trim().toLowerCase();
  if (florinSetting !== '' && florinSetting !== TELEMETRY_ON && florinSetting !== 'off') {
    throw new RangeError(`FLORIN_TELEMETRY must be "${TELEMETRY_ON}" or "off", got "${env.FLORIN_TELEMETRY}"`);
  }
  const enabled = !sdkDisabled && (options.enabled ?? florinSetting === TELEMETRY_ON);
  return {
    enabled,
    role: options.role,
    instanceId: options.instanceId,
    version: options.version ?? FLORIN_VERSION,
    endpoint: options.endpoint !== undefined ? endpointUrl(options.endpoint) : undefined,
    metricIntervalMs: options.metricIntervalMs ?? positiveInt('OTEL_METRIC_EXPORT_INTERVAL', env.OTEL_METRIC_EXPORT_INTERVAL, 15_000),
    maxQueueSize: options.maxQueueSize ?? positiveInt('OTEL_BSP_MAX_QUEUE_SIZE', env.OTEL_BSP_MAX_QUEUE_SIZE, 2048),
    maxExportBatchSize: positiveInt('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 512),
    scheduledDelayMs: positiveInt('OTEL_BSP_SCHEDULE_DELAY', env.OTEL_BSP_SCHEDULE_DELAY, 1_000),
    exportTimeoutMs: options.exportTimeoutMs ?? positiveInt('OTEL_EXPORTER_OTLP_TIMEOUT', env.OTEL_EXPORTER_OTLP_TIMEOUT, 5_000),
    traceSampleRatio: traceSampleRatio(options, env),
    onEcs: (env.ECS_CONTAINER_METADATA_URI_V4 ?? '') !== '',
  };
}
