import type { DeployConfig } from '@florin/deploy-plan';
import { COLLECTOR_OTLP_PORT } from '@florin/deploy-plan';

/**
 * The ADOT collector's pipeline (passed as AOT_CONFIG_CONTENT): OTLP in; metrics out as CloudWatch EMF into
 * `metricNamespace` (the queue-depth metric without dimensions, so the QCU scaling alarm can read it), traces to X-Ray.
 */
export function collectorConfig(config: DeployConfig, metricsLogGroup: string): string {
  const escaped = config.telemetry.queueDepthMetric.replace(/[.]/g, '\\\\.');
  return [
    'extensions:',
    '  health_check: {}',
    'receivers:',
    '  otlp:',
    '    protocols:',
    `      grpc: { endpoint: "0.0.0.0:${COLLECTOR_OTLP_PORT}" }`,
    '      http: { endpoint: "0.0.0.0:4318" }',
    'processors:',
    '  batch: { timeout: 10s }',
    'exporters:',
    '  awsemf:',
    `    namespace: "${config.telemetry.metricNamespace}"`,
    `    log_group_name: "${metricsLogGroup}"`,
    '    dimension_rollup_option: NoDimensionRollup',
    '    metric_declarations:',
    '      - dimensions: [[]]',
    `        metric_name_selectors: ["^${escaped}$"]`,
    '      - dimensions: [["service.name"], ["service.name", "rpc.method"]]',
    '        metric_name_selectors: [".*"]',
    '  awsxray: {}',
    'service:',
    '  extensions: [health_check]',
    '  pipelines:',
    '    metrics: { receivers: [otlp], processors: [batch], exporters: [awsemf] }',
    '    traces: { receivers: [otlp], processors: [batch], exporters: [awsxray] }',
    '',
  ].join('\n');
}
