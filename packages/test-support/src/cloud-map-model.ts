/**
 * The registry of the local Cloud Map (cloud-map-double.ts): its namespaces,
 * services and instances, the API's error, and their AWS JSON shapes.
 */

export type Health = 'HEALTHY' | 'UNHEALTHY';

export interface DoubleInstance {
  attributes: Record<string, string>;
  health: Health;
}

export interface DoubleService {
  id: string;
  arn: string;
  name: string;
  namespaceId: string;
  /** HealthCheckCustomConfig given: health filtering applies. */
  healthCheck: boolean;
  instances: Map<string, DoubleInstance>;
  revision: number;
  createdAt: number;
}

export interface DoubleNamespace {
  id: string;
  arn: string;
  name: string;
  httpName: string;
  type: 'HTTP' | 'DNS_PRIVATE' | 'DNS_PUBLIC';
  owner: string;
  services: Map<string, DoubleService>;
}

/** An error the API answers: `{"__type": type, "Message"}` with `status`. */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function str(b: Record<string, unknown>, key: string): string {
  const v = b[key];
  if (typeof v !== 'string' || v === '') throw new ApiError('InvalidInput', `${key} is required`);
  return v;
}

export function initialHealth(attributes: Record<string, string>): Health {
  return attributes.AWS_INIT_HEALTH_STATUS === 'UNHEALTHY' ? 'UNHEALTHY' : 'HEALTHY';
}

export function namespaceJson(n: DoubleNamespace): unknown {
  return {
    Id: n.id,
    Arn: n.arn,
    Name: n.name,
    Type: n.type,
    ResourceOwner: n.owner,
    ServiceCount: n.services.size,
    Properties: { HttpProperties: { HttpName: n.httpName } },
  };
}

export function serviceJson(s: DoubleService): unknown {
  return {
    Id: s.id,
    Arn: s.arn,
    Name: s.name,
    NamespaceId: s.namespaceId,
    InstanceCount: s.instances.size,
    Type: 'HTTP',
    ...(s.healthCheck ? { HealthCheckCustomConfig: { FailureThreshold: 1 } } : {}),
    CreateDate: s.createdAt / 1000,
  };
}
