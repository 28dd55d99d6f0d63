import {
  generateGrantSecret,
  generateSigningKey,
  GrantSecrets,
  GrantVerifier,
  issueToken,
  KeySetSource,
  LocalCa,
  TokenVerifier,
  type ClientSecurity,
  type GrantKey,
  type Role,
  type ServerSecurity,
  type SigningKey,
  type TlsConfig,
} from '@florin/core';

/** A test cluster's TLS and tokens: a fresh CA and server certificate (localhost), a token key, a grant secret, a token per role. */
export interface ClusterSecurity {
  /** The TLS settings servers use (certificate and key) and clients verify against (CA). */
  readonly tls: TlsConfig;
  readonly caPem: string;
  /** Every server's security: TLS, tokens and write grants verified. */
  readonly server: ServerSecurity;
  /** The key that signs tokens; its public half is trusted by every server. */
  readonly signing: SigningKey;
  /** The write-grant secret (HS256, as `florin up` makes): the coordinator signs grants with it, every server verifies them. */
  readonly grantKey: GrantKey;
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
  const grantKey = generateGrantSecret();
  const keys = KeySetSource.of([signing.publicJwk]);
  const tls: TlsConfig = { ca: { pem: ca.certPem }, cert: { pem: cert.certPem }, key: { pem: cert.keyPem }, serverName: 'localhost' };
  const tokens = {} as Record<Role, string>;
  for (const role of ['researcher', 'qcu', 'admin', 'head'] as Role[]) tokens[role] = await issueToken(signing, { subject: `test-${role}`, role, ttlMs: 24 * 3_600_000 });
  return {
    tls,
    caPem: ca.certPem,
    server: { tls, auth: { tokens: new TokenVerifier(keys), grants: new GrantVerifier(keys, { secrets: GrantSecrets.of([grantKey]) }) } },
    signing,
    grantKey,
    tokens,
    client: (role) => ({ tls: { ca: { pem: ca.certPem }, serverName: 'localhost' }, token: tokens[role] }),
  };
}
