import { Metadata, ServerInterceptingCall, status, type ServerInterceptor, type ServiceDefinition } from '@grpc/grpc-js';
import { callerOf } from './auth-interceptor.js';
import type { Role } from './roles.js';
import { wellFormed } from '../errors.js';

/** Per-caller limits of one server. */
export interface CallerLimits {
  /** Most calls (HTTP/2 streams) one caller may have in progress at once. */
  maxCalls: number;
  /** Most bytes of request messages one caller may have in progress (received, call not finished). */
  maxBytes: number;
  /** Roles not limited: a head's calls to shards carry every caller's traffic (the head limits its own callers). Default ['head']. */
  exemptRoles?: readonly Role[];
}

/** Counts of the limiter's refusals (for tests and stats). */
export interface CallerLimitCounters {
  refusedCalls: number;
  refusedBytes: number;
}

/** Request sizes on the wire, by the decoded message (set by the deserializers FlorinServer wraps). */
const requestBytes = new WeakMap<object, number>();

/** The service definition with each request deserializer recording the message's size on the wire. Returns a copy. */
export function withRequestSizes(definition: ServiceDefinition): ServiceDefinition {
  const out: Record<string, ServiceDefinition[string]> = {};
  for (const [name, method] of Object.entries(definition)) {
    const deserialize = method.requestDeserialize;
    out[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        const message: unknown = deserialize(bytes);
        if (typeof message === 'object' && message !== null) requestBytes.set(message, bytes.length);
        return message;
      },
    };
  }
  return out as ServiceDefinition;
}

interface Usage {
  calls: number;
  bytes: number;
}

/**
 * Keeps one caller from starving the others: each caller (the verified
 * identity, role and subject; without authentication, the peer address) may
 * have at most `maxCalls` calls and `maxBytes` of request messages in
 * progress on this server. Beyond either, the call is answered
 * RESOURCE_EXHAUSTED at once, naming the limit and the flag that raises it;
 * a finished or cancelled call gives its share back. Installed by FlorinServer
 * after the auth interceptor (so it sees the identity) on every server.
 */
export function callerLimitInterceptor(limits: CallerLimits, counters?: CallerLimitCounters): ServerInterceptor {
  const usage = new Map<string, Usage>();
  const exempt = new Set<Role>(limits.exemptRoles ?? ['head']);
  return (_methodDescriptor, call) => {
    let key: string | undefined;
    /** The caller, for a refusal's message (made only when refusing). */
    let describe = (): string => '';
    let bytes = 0;
    let released = false;
    let refused = false;
    const release = (): void => {
      if (released || key === undefined) return;
      released = true;
      const u = usage.get(key);
      if (!u) return;
      u.calls--;
      u.bytes -= bytes;
      if (u.calls <= 0) usage.delete(key);
    };
    const refuse = (details: string): void => {
      if (refused) return;
      refused = true;
      release();
      call.sendStatus({ code: status.RESOURCE_EXHAUSTED, details: wellFormed(details), metadata: new Metadata() });
    };
    return new ServerInterceptingCall(call, {
      start: (next) => {
        next({
          onReceiveMetadata: (metadata, passOn) => {
            const caller = callerOf(metadata);
            if (caller && exempt.has(caller.role)) {
              passOn(metadata);
              return;
            }
            const k = caller ? `${caller.role}:${caller.subject}` : `peer:${call.getPeer()}`;
            describe = () => (caller ? `${caller.subject} (role ${caller.role})` : `peer ${call.getPeer()}`);
            let u = usage.get(k);
            if (!u) {
              u = { calls: 0, bytes: 0 };
              usage.set(k, u);
            }
            if (u.calls >= limits.maxCalls) {
              if (counters) counters.refusedCalls++;
              if (u.calls === 0) usage.delete(k);
              refuse(`${describe()} has ${u.calls} calls in progress on this server, the most one caller may have (--max-caller-calls ${limits.maxCalls}); wait for some to finish before sending more, or raise the limit`);
              return;
            }
            u.calls++;
            key = k;
            passOn(metadata);
          },
          onReceiveMessage: (message: unknown, passOn) => {
            if (refused) return;
            if (key === undefined) {
              passOn(message);
              return;
            }
            const size = typeof message === 'object' && message !== null ? (requestBytes.get(message) ?? 0) : 0;
            const u = usage.get(key)!;
            if (u.bytes + size > limits.maxBytes) {
              if (counters) counters.refusedBytes++;
              refuse(
                `${describe()} has ${u.bytes} bytes of requests in progress on this server; this request of ${size} bytes would pass the most one caller may have in progress (--max-caller-bytes ${limits.maxBytes}); send smaller requests or fewer at once, or raise the limit`,
              );
              return;
            }
            u.bytes += size;
            bytes += size;
            passOn(message);
          },
          onCancel: release,
        });
      },
      sendStatus: (statusObject, next) => {
        release();
        next(statusObject);
      },
    });
  };
}
