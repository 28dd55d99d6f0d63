import { envDetector, hostDetector, processDetector, resourceFromAttributes, type Resource, type ResourceDetector } from '@opentelemetry/resources';
import { awsEcsDetector } from '@opentelemetry/resource-detector-aws';
import type { TelemetryConfig } from './config.js';

/**
 * Florin's resource attributes. service.name defaults to `florin-<role>`; OTEL_SERVICE_NAME and
 * OTEL_RESOURCE_ATTRIBUTES (read by the env detector, which is merged over this) override it.
 */
export function florinResource(config: TelemetryConfig): Resource {
  return resourceFromAttributes({
    'service.name': `florin-${config.role}`,
    'service.namespace': 'florin',
    'service.instance.id': config.instanceId,
    'service.version': config.version,
    'florin.role': config.role,
  });
}

/** env, host and process always; the AWS ECS detector (task, cluster, container) only on ECS. */
export function resourceDetectors(config: TelemetryConfig): ResourceDetector[] {
  return config.onEcs ? [envDetector, hostDetector, processDetector, awsEcsDetector] : [envDetector, hostDetector, processDetector];
}
