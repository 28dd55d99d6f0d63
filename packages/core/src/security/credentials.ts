import { credentials, experimental, InterceptingCall, ServerCredentials, type ChannelCredentials, type ChannelOptions, type Interceptor } from '@grpc/grpc-js';
import { CertificateSource } from './certificate-source.js';
import type { ClientSecurity, ServerSecurity } from './security-options.js';
import type { TlsConfig } from './tls-config.js';

/** One CertificateSource per TlsConfig object, so every channel of a process shares one file watcher. */
const sources = new WeakMap<TlsConfig, CertificateSource>();

export function certificateSourceOf(tls: TlsConfig): CertificateSource {
  let source = sources.get(tls);
  if (!source) {
    source = new CertificateSource({ ca: tls.ca, cert: tls.cert, key: tls.key, refreshIntervalMs: tls.refreshIntervalMs });
    sources.set(tls, source);
  }
  return source;
}

/** The server credentials of `security`: plaintext without tls; TLS with reloading certificates; mTLS if asked. */
export function serverCredentials(security: ServerSecurity | undefined): ServerCredentials {
  const tls = security?.tls;
  if (!tls) return ServerCredentials.createInsecure();
  const source = certificateSourceOf(tls);
  if (!source.hasIdentity) throw new Error('a TLS server needs a certificate and its private key (--tls-cert, --tls-key)');
  if (tls.mtls && !source.hasCa) throw new Error('mutual TLS needs the CA that signs client certificates (--tls-ca)');
  // grpc-js names these parameters the other way round; at runtime the first is the identity provider.
  return experimental.createCertificateProviderServerCredentials(source, tls.mtls ? source : null, tls.mtls === true);
}

/** The channel credentials, extra channel options and client interceptors of `security`. */
export function channelCredentials(security: ClientSecurity | undefined): { credentials: ChannelCredentials; options: ChannelOptions; interceptors: Interceptor[] } {
  const tls = security?.tls;
  if (!tls) {
    if (security?.token !== undefined) throw new Error('a bearer token is only sent over TLS; give the CA (--tls-ca) or drop the token');
    return { credentials: credentials.createInsecure(), options: {}, interceptors: [] };
  }
  const source = certificateSourceOf(tls);
  if (!source.hasCa) throw new Error('a TLS client needs the CA certificate that signs the servers (--tls-ca)');
  if (tls.mtls && !source.hasIdentity) throw new Error('mutual TLS needs this client\'s certificate and key (--tls-cert, --tls-key)');
  const channel: ChannelCredentials = experimental.createCertificateProviderChannelCredentials(source, tls.mtls ? source : null);
  const options: ChannelOptions = tls.serverName ? { 'grpc.ssl_target_name_override': tls.serverName, 'grpc.default_authority': tls.serverName } : {};
  return { credentials: channel, options, interceptors: security.token !== undefined ? [bearerTokenInterceptor(security.token)] : [] };
}

/**
 * A client interceptor that adds `authorization: Bearer <token>` to each call's metadata (a copy:
 * the caller's object may be shared). Only ever installed on TLS channels (channelCredentials
 * refuses a token without TLS). Chosen over grpc-js call credentials (createFromMetadataGenerator),
 * which cost a new Metadata, a promise and a merge per call: measured with bench:security, about
 * half the per-call cost of tokens (docs/security.md). The header string is made once per token value.
 */
export function bearerTokenInterceptor(token: string | (() => string)): Interceptor {
  const current = typeof token === 'function' ? token : () => token;
  let cached: { token: string; header: string } | undefined;
  const header = (): string => {
    const value = current();
    if (cached?.token !== value) cached = { token: value, header: `Bearer ${value}` };
    return cached.header;
  };
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) => {
        const outgoing = metadata.clone();
        outgoing.set(AUTHORIZATION_HEADER, header());
        next(outgoing, listener);
      },
    });
}

const AUTHORIZATION_HEADER = 'authorization';
