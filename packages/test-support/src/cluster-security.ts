import {
  generateSigningKey,
  grantPublicJwk,
  GrantVerifier,
  issueToken,
  KeySetSource,
  LocalCa,
  TokenVerifier,
  type ClientSecurity,
  type Role,
  type ServerSecurity,
  type SigningKey,
  type TlsConfig,
} from '@florin/core';

/** A test cluster's TLS and tokens: a fresh CA and server certificate (localhost), a token key, a grant key, a token per role. */
export interface ClusterSecurity {
  /** The TLS settings servers use (certificate and key) and clients verify against (CA). */
  readonly tls: TlsConfig;
  readonly caPem: string;
  /** Every server's security: TLS, tokens and write grants verified. */
  readonly server: ServerSecurity;
  /** The key that signs tokens; its public half is trusted by every server. */
  readonly signing: SigningKey;
  /** The coordinator's write-grant key. */
  readonly grantKey: SigningKey;
  /** A token per role (subject test-<role>). */
  readonly tokens: Readonly<Record<Role, string>>;
  /** A client of `role`: TLS trusting the CA, with that role's token. */
  client(role: Role): ClientSecurity;
}

/** Makes the CA, keys and tokens of a secure in-process test cluster. */
export async function makeClusterSecurity(): Promise<ClusterSecurity> {
  const ca = await LocalCa.create('test cluster CA');
  const cert = await ca.issue({ commonName: 'florin-test' });
  const signing = await generateSigningKey();
  const grantKey = await generateSigningKey();
  const keys = KeySetSource.of([signing.publicJwk, grantPublicJwk(grantKey)]);
  const tls: TlsConfig = { ca: { pem: ca.certPem }, cert: { pem: cert.certPem }, key: { pem: cert.keyPem }, serverName: 'localhost' };
  const tokens = {} as Record<Role, string>;
  for (const role of ['researcher', 'qcu', 'admin', 'head'] as Role[]) tokens[role] = await issueToken(signing, { subject: `test-${role}`, role, ttlMs: 24 * 3_600_000 });
  return {
    tls,
    caPem: ca.certPem,
    server: { tls, auth: { tokens: new TokenVerifier(keys), grants: new GrantVerifier(keys) } },
    signing,
    grantKey,
    tokens,
    client: (role) => ({ tls: { ca: { pem: ca.certPem }, serverName: 'localhost' }, token: tokens[role] }),
  };
}
