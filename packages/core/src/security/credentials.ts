import { credentials, experimental, Metadata, ServerCredentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';
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

/** The channel credentials and extra channel options of `security`. */
export function channelCredentials(security: ClientSecurity | undefined): { credentials: ChannelCredentials; options: ChannelOptions } {
  const tls = security?.tls;
  if (!tls) {
    if (security?.token !== undefined) throw new Error('a bearer token is only sent over TLS; give the CA (--tls-ca) or drop the token');
    return { credentials: credentials.createInsecure(), options: {} };
  }
  const source = certificateSourceOf(tls);
  if (!source.hasCa) throw new Error('a TLS client needs the CA certificate that signs the servers (--tls-ca)');
  if (tls.mtls && !source.hasIdentity) throw new Error('mutual TLS needs this client\'s certificate and key (--tls-cert, --tls-key)');
  let channel: ChannelCredentials = experimental.createCertificateProviderChannelCredentials(source, tls.mtls ? source : null);
  const token = security.token;
  if (token !== undefined) {
    const current = typeof token === 'function' ? token : () => token;
    channel = credentials.combineChannelCredentials(
      channel,
      credentials.createFromMetadataGenerator((_params, callback) => {
        const metadata = new Metadata();
        metadata.set('authorization', `Bearer ${current()}`);
        callback(null, metadata);
      }),
    );
  }
  const options: ChannelOptions = tls.serverName ? { 'grpc.ssl_target_name_override': tls.serverName, 'grpc.default_authority': tls.serverName } : {};
  return { credentials: channel, options };
}
