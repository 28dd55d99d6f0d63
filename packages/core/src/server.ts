import {
  Server,
  type ServiceDefinition,
  type UntypedServiceImplementation,
  type ServerOptions,
} from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { ReflectionService } from '@grpc/reflection';
import { florinProtos } from './proto.js';
import type { Limits } from './limits.js';
import { tracedImplementation } from './tracing/traced-service.js';
import type { ServerSecurity } from './security/security-options.js';
import { serverCredentials } from './security/credentials.js';
import { authInterceptor, type AuthCounters } from './security/auth-interceptor.js';
import { callerLimitInterceptor, withRequestSizes, type CallerLimitCounters } from './security/caller-limits.js';

/**
 * Lifecycle of every Florin server process: created -> serving -> leaving
 * (health NOT_SERVING, still answering every call: the drain notice while
 * discovery forgets it) -> draining (no new calls; in-flight ones finish) ->
 * stopped. `leaving` is optional: close() from serving goes straight to draining.
 */
export type ServerState = 'created' | 'serving' | 'leaving' | 'draining' | 'stopped';

export interface FlorinServerOptions {
  limits: Limits;
  /** Extra grpc-js server options (merged over Florin's defaults). */
  grpcOptions?: ServerOptions;
  /** TLS and caller authentication; absent: plaintext and no caller checks. */
  security?: ServerSecurity;
}

/**
 * The one place servers are created: message-size limits, flow-control windows,
 * standard health (grpc.health.v1) and reflection, and a drain/stop lifecycle.
 */
export class FlorinServer {
  readonly grpc: Server;
  private readonly health = new HealthImplementation({ '': 'NOT_SERVING' });
  private readonly serviceNames: string[] = [];
  private stateValue: ServerState = 'created';
  private portValue = 0;
  private closing: Promise<void> | undefined;
  private leaving: Promise<void> | undefined;
  private noticeTimer: { timer: NodeJS.Timeout; done: () => void } | undefined;
  private readonly security: ServerSecurity | undefined;
  /** The auth interceptor's verdicts (all zero without auth). */
  readonly authCounters: AuthCounters = { allowed: 0, unauthenticated: 0, permissionDenied: 0 };
  /** Calls refused by the per-caller limits. */
  readonly callerLimitCounters: CallerLimitCounters = { refusedCalls: 0, refusedBytes: 0 };

  constructor(options: FlorinServerOptions) {
    this.security = options.security;
    const auth = options.security?.auth;
    this.grpc = new Server({
      'grpc.max_receive_message_length': options.limits.maxMessageBytes,
      'grpc.max_send_message_length': options.limits.maxMessageBytes,
      // Larger HTTP/2 windows let big columnar blocks flow without stalling on WINDOW_UPDATEs.
      'grpc-node.flow_control_window': 16 * 1024 * 1024,
      'grpc.http2.max_frame_size': 1024 * 1024 - 1,
      'grpc.keepalive_permit_without_calls': 1,
      ...options.grpcOptions,
      // Auth first (incoming events reach the first interceptor first), so the limits see the verified caller.
      // Client certificates are identities only where they are asked for (mTLS): otherwise the per-call lookup is skipped.
      interceptors: [
        ...(auth ? [authInterceptor({ ...auth, certificates: auth.certificates ?? options.security?.tls?.mtls === true }, this.authCounters)] : []),
        callerLimitInterceptor({ maxCalls: options.limits.maxCallerCalls, maxBytes: options.limits.maxCallerBytes }, this.callerLimitCounters),
        ...(options.grpcOptions?.interceptors ?? []),
      ],
    });
    this.health.addToServer(this.grpc);
    new ReflectionService(florinProtos().definition).addToServer(this.grpc);
  }

  get state(): ServerState {
    return this.stateValue;
  }

  get port(): number {
    return this.portValue;
  }

  addService(fullName: string, definition: ServiceDefinition, implementation: UntypedServiceImplementation): void {
    this.grpc.addService(withRequestSizes(definition), tracedImplementation(definition, implementation));
    this.serviceNames.push(fullName);
  }

  /** Binds `host:port` (port 0 picks a free port), then reports SERVING. Resolves the bound port. */
  async listen(host = '127.0.0.1', port = 0): Promise<number> {
    if (this.stateValue !== 'created') throw new Error(`cannot listen: server is ${this.stateValue}`);
    const address = hostPort(host, port);
    const credentials = serverCredentials(this.security);
    this.portValue = await new Promise<number>((resolve, reject) =>
      this.grpc.bindAsync(address, credentials, (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    this.stateValue = 'serving';
    this.setHealth('SERVING');
    return this.portValue;
  }

  private setHealth(status: 'SERVING' | 'NOT_SERVING'): void {
    this.health.setStatus('', status);
    for (const name of this.serviceNames) this.health.setStatus(name, status);
  }

  /**
   * Announces departure: health goes NOT_SERVING (health checks, load
   * balancers and clients that probe stop choosing this server) while every
   * call, new ones included, is still answered for `noticeMs`: the time
   * discovery takes to forget this member (callers holding its address still
   * reach it). Resolves when the notice is over (at once if the server is not
   * serving, and early if close() is called). Idempotent: a second call answers
   * the first one's promise.
   */
  leave(noticeMs = 0): Promise<void> {
    if (!this.leaving) {
      if (this.stateValue !== 'serving') return Promise.resolve();
      this.stateValue = 'leaving';
      this.setHealth('NOT_SERVING');
      this.leaving = new Promise<void>((resolve) => {
        if (noticeMs <= 0) return resolve();
        const done = (): void => {
          clearTimeout(timer);
          this.noticeTimer = undefined;
          resolve();
        };
        const timer = setTimeout(done, noticeMs);
        this.noticeTimer = { timer, done };
      });
    }
    return this.leaving;
  }

  /**
   * Drains: health goes NOT_SERVING, new calls are refused, in-flight calls get
   * `graceMs` to finish, then the rest are cancelled. Idempotent.
   */
  close(graceMs = 5_000): Promise<void> {
    if (!this.closing) {
      this.closing = this.drain(graceMs);
    }
    return this.closing;
  }

  private async drain(graceMs: number): Promise<void> {
    this.noticeTimer?.done();
    if (this.stateValue === 'serving' || this.stateValue === 'leaving') {
      this.stateValue = 'draining';
      this.setHealth('NOT_SERVING');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.grpc.forceShutdown();
          resolve();
        }, graceMs);
        timer.unref();
        this.grpc.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    } else {
      this.grpc.forceShutdown();
    }
    this.stateValue = 'stopped';
  }
}

/** "host:port", with an IPv6 host in brackets ("[::1]:50051"). */
export function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}
