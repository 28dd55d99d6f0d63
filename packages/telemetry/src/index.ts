export { type TelemetryOptions, type TelemetryConfig, TELEMETRY_ON, FLORIN_VERSION, resolveTelemetryConfig, endpointUrl } from './config.js';
export { type Telemetry, FLORIN_METER, startTelemetry } from './start-telemetry.js';
export { DEFAULT_TRACE_SAMPLE_RATIO, florinSampler } from './sampling.js';
export { SampledSpanContextManager } from './sampled-context-manager.js';
export { type DropCounter, DropCountingSpanProcessor } from './drop-counting.js';
export { florinResource, resourceDetectors } from './resource.js';
export { ResetTolerantTotal } from './monotonic.js';
export {
  type HeadStatsReading,
  type ShardStatsReading,
  type CoordinatorReading,
  type QcuReading,
  observeHeadStats,
  observeShardStats,
  observeCoordinator,
  observeQcu,
} from './role-metrics.js';
export { OtlpReceiver } from './otlp-receiver.js';
export { type ReceivedSpan, type ReceivedPoint, type ReceivedLog, type Attributes, OtlpStore, matches } from './otlp-store.js';
export { type ProcessStatsRow, processStats } from './process-stats.js';
export { LocalTelemetry } from './local-telemetry.js';
