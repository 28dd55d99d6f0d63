import { makeGenericClientConstructor, type Client, type ServiceError } from '@grpc/grpc-js';
import { service as healthService, type ServingStatus } from 'grpc-health-check';
import { fromServiceError } from './errors.js';
import { channelCredentials } from './security/credentials.js';
import type { ClientSecurity } from './security/security-options.js';

const HealthClient = makeGenericClientConstructor(healthService, 'grpc.health.v1.Health');

interface HealthStub extends Client {
  check(request: { service: string }, options: { deadline: number }, cb: (err: ServiceError | null, res?: { status: ServingStatus }) => void): void;
}

/**
 * Asks a server's standard gRPC health service (grpc.health.v1.Health/Check)
 * for `service` ('' is the whole server). Resolves the status it reports;
 * rejects with a FlorinError (UNAVAILABLE, DEADLINE_EXCEEDED, ...) when the
 * server cannot be asked within `timeoutMs`.
 */
export function checkHealth(address: string, options: { service?: string; timeoutMs?: number; security?: ClientSecurity } = {}): Promise<ServingStatus> {
  // Health needs no identity: only the TLS part of `security` is used.
  const made = channelCredentials(options.security?.tls ? { tls: options.security.tls } : undefined);
  const client = new HealthClient(address, made.credentials, made.options) as unknown as HealthStub;
  const deadline = Date.now() + (options.timeoutMs ?? 3_000);
  return new Promise<ServingStatus>((resolve, reject) => {
    client.check({ service: options.service ?? '' }, { deadline }, (err, res) => {
      client.close();
      if (err) reject(fromServiceError(err));
      else resolve(res?.status ?? 'UNKNOWN');
    });
  });
}
