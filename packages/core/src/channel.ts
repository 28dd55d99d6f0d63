import { channelCredentials } from './security/credentials.js';
import type { ClientSecurity } from './security/security-options.js';
import { type ChannelOptions, type Client, type ServiceClientConstructor } from '@grpc/grpc-js';
import { serviceClient } from './proto.js';
import type { Limits } from './limits.js';

/** Channel options every Florin client uses: message limits and large flow-control windows. */
export function channelOptions(limits: Pick<Limits, 'maxMessageBytes'>, extra: ChannelOptions = {}): ChannelOptions {
  return {
    'grpc.max_receive_message_length': limits.maxMessageBytes,
    'grpc.max_send_message_length': limits.maxMessageBytes,
    'grpc-node.flow_control_window': 16 * 1024 * 1024,
    'grpc.http2.max_frame_size': 1024 * 1024 - 1,
    'grpc.keepalive_time_ms': 30_000,
    'grpc.enable_retries': 0,
    ...extra,
  };
}

/**
 * The one place clients are created. `address` is host:port. `security`
 * (TLS, a bearer token) is optional: plaintext without it.
 */
export function createClient<T extends Client = Client>(
  serviceFullName: string,
  address: string,
  limits: Pick<Limits, 'maxMessageBytes'>,
  extra?: ChannelOptions,
  security?: ClientSecurity,
): T {
  const Ctor: ServiceClientConstructor = serviceClient(serviceFullName);
  const made = channelCredentials(security);
  const options = channelOptions(limits, { ...made.options, ...extra });
  return new Ctor(address, made.credentials, made.interceptors.length > 0 ? { ...options, interceptors: made.interceptors } : options) as unknown as T;
}

/** Resolves once the client's channel is connected, or rejects after `timeoutMs`. */
export function waitForReady(client: Client, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) =>
    client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve())),
  );
}
