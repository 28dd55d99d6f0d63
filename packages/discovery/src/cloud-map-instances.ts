import type { HttpInstanceSummary } from '@aws-sdk/client-servicediscovery';
import { hostPort } from '@florin/core';
import { FLORIN_ID, type Member } from './member.js';

/** Cloud Map's reserved attributes Florin reads and writes. */
export const AWS_INSTANCE_IPV4 = 'AWS_INSTANCE_IPV4';
export const AWS_INSTANCE_IPV6 = 'AWS_INSTANCE_IPV6';
export const AWS_INSTANCE_PORT = 'AWS_INSTANCE_PORT';

/** Attributes tried in order for a member's stable id; ECS-registered tasks carry ECS_SERVICE_NAME (one task per head-node service). */
export const DEFAULT_ID_ATTRIBUTES: readonly string[] = [FLORIN_ID, 'ECS_SERVICE_NAME'];

export interface InstanceRules {
  readonly idAttributes: readonly string[];
  /** Attributes an instance must carry to be a member. */
  readonly requiredAttributes: readonly string[];
  /** Port for instances without AWS_INSTANCE_PORT; without it such instances are malformed. */
  readonly defaultPort?: number;
}

/** A member, or the reason the instance is malformed. */
export function instanceMember(instance: HttpInstanceSummary, rules: InstanceRules): Member | { malformed: string } {
  const attributes = instance.Attributes ?? {};
  const label = `instance ${instance.InstanceId ?? '(no id)'}`;
  const ip = attributes[AWS_INSTANCE_IPV4] || attributes[AWS_INSTANCE_IPV6];
  if (!ip) return { malformed: `${label}: no ${AWS_INSTANCE_IPV4} or ${AWS_INSTANCE_IPV6} attribute` };
  const portText = attributes[AWS_INSTANCE_PORT];
  const port = portText === undefined ? rules.defaultPort : /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (port === undefined) return { malformed: `${label}: no ${AWS_INSTANCE_PORT} attribute` };
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { malformed: `${label}: bad ${AWS_INSTANCE_PORT} ${JSON.stringify(portText)}` };
  const missing = rules.requiredAttributes.filter((k) => attributes[k] === undefined || attributes[k] === '');
  if (missing.length > 0) return { malformed: `${label}: missing attribute(s) ${missing.join(', ')}` };
  const idAttribute = rules.idAttributes.find((k) => attributes[k]);
  const id = idAttribute ? (attributes[idAttribute] as string) : instance.InstanceId;
  if (!id) return { malformed: `${label}: no id` };
  return {
    id,
    address: hostPort(ip, port),
    attributes: { ...attributes },
    // UNKNOWN: the service has no health check; Cloud Map then returns every instance.
    healthy: instance.HealthStatus !== 'UNHEALTHY',
  };
}
