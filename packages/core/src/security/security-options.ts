import type { TlsConfig } from './tls-config.js';
import type { TokenVerifier } from './tokens.js';
import type { GrantVerifier } from './write-grants.js';
import type { Role } from './roles.js';

/** How a server authenticates callers. */
export interface AuthConfig {
  /** Verifies bearer tokens ("authorization: Bearer <jwt>"). */
  tokens?: TokenVerifier;
  /**
   * Accept the mTLS client certificate as identity: subject CN = who, OU = role.
   * Needs TLS with mtls. Default true when mtls is on.
   */
  certificates?: boolean;
  /** Method path -> roles allowed; default ACCESS_POLICY. */
  policy?: Readonly<Record<string, readonly Role[]>>;
  /** Verifies write grants (a qcu's writes must carry them); absent: every qcu write is refused. */
  grants?: GrantVerifier;
  /** Datasets only admin may write or create (input data); default ['bars']. */
  readOnlyDatasets?: readonly string[];
}

/** A server's security: TLS (absent: plaintext) and caller authentication (absent: none). */
export interface ServerSecurity {
  tls?: TlsConfig;
  auth?: AuthConfig;
}

/** A client's security: TLS (absent: plaintext) and the bearer token its calls carry (TLS only). */
export interface ClientSecurity {
  tls?: TlsConfig;
  /** A token, or a function giving the current one (so a renewed token needs no new client). */
  token?: string | (() => string);
}

export const DEFAULT_READ_ONLY_DATASETS: readonly string[] = ['bars'];
