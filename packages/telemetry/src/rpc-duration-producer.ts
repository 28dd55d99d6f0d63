import { ValueType } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { AggregationTemporality, DataPointType, type CollectionResult, type MetricProducer } from '@opentelemetry/sdk-metrics';
import { RPC_DURATION_BOUNDS, TELEMETRY_SCOPE, type RpcDurationTable } from '@florin/core';
import type { Resource } from '@opentelemetry/resources';

/**
 * Exports core's pre-aggregated `rpc.server.duration` series (RpcDurationTable) with the SDK's own
 * metrics: a MetricProducer of the periodic reader, so the collector gets one ordinary cumulative
 * explicit-bucket histogram (ms) per service, method and status, as if recorded with Histogram.record.
 */
export class RpcDurationProducer implements MetricProducer {
  constructor(
    private readonly table: RpcDurationTable,
    private readonly resource: Resource,
  ) {}

  collect(): Promise<CollectionResult> {
    const startTime = millisToHrTime(this.table.startMs);
    const endTime = millisToHrTime(Date.now());
    const series = this.table.snapshot();
    return Promise.resolve({
      resourceMetrics: {
        resource: this.resource,
        scopeMetrics:
          series.length === 0
            ? []
            : [
                {
                  scope: { name: TELEMETRY_SCOPE },
                  metrics: [
                    {
                      descriptor: { name: 'rpc.server.duration', description: 'Measures the duration of inbound RPC.', unit: 'ms', valueType: ValueType.DOUBLE },
                      aggregationTemporality: AggregationTemporality.CUMULATIVE,
                      dataPointType: DataPointType.HISTOGRAM,
                      dataPoints: series.map((s) => ({
                        startTime,
                        endTime,
                        attributes: s.attributes,
                        value: { buckets: { boundaries: [...RPC_DURATION_BOUNDS], counts: Array.from(s.counts) }, sum: s.sum, count: s.count, min: s.min, max: s.max },
                      })),
                    },
                  ],
                },
              ],
      },
      errors: [],
    });
  }
}
