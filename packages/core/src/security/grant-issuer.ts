import { createHmac, createPrivateKey, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { GRANT_AUDIENCE, GRANT_ISSUER, GRANT_TYPE } from './grant-keys.js';
import { grantAlgorithmOf, grantSecretOf, GRANT_SECRET_ALGORITHM, type GrantAlgorithm } from './grant-secrets.js';

/** What signs grants: an HS256 secret or a private ES256 key (GrantKey, or a token SigningKey). */
export interface GrantSigningKey {
  readonly kid: string;
  readonly privateJwk: JWK;
}

export interface GrantScope {
  subject: string;
  jobId: string;
  dataset: string;
  symbols: readonly string[];
  /** Epoch ms (the lease expiry); rounded up to whole seconds. */
  expiresAt: number;
}

/**
 * Signs grants with the coordinator's grant key: a compact JWS (RFC 7515) over
 * the grant's claims, HS256 (a shared secret) or ES256, with node:crypto's
 * synchronous HMAC or sign. The coordinator signs one grant per job per lease,
 * so this is on the dispatch hot path: jose's SignJWT (WebCrypto: a promise
 * chain and a thread-pool job per signature) cost about 105-140 us of CPU per
 * ES256 grant against about 45 us here, and HS256 about 2.6 us (measured,
 * docs/security.md). Verification stays with jose (GrantVerifier), which the
 * tests run on every grant signed here.
 */
export class GrantIssuer {
  private privateKey: KeyObject | undefined;
  private readonly header: string;
  private issuedCount = 0;
  readonly algorithm: GrantAlgorithm;

  constructor(private readonly key: GrantSigningKey) {
    this.algorithm = grantAlgorithmOf(key);
    this.header = base64url(JSON.stringify({ alg: this.algorithm, kid: key.kid, typ: GRANT_TYPE }));
  }

  get kid(): string {
    return this.key.kid;
  }

  /** Grants signed so far. */
  get issued(): number {
    return this.issuedCount;
  }

  /** The signed grant for `scope` (synchronous). */
  sign(scope: GrantScope, nowMs = Date.now()): string {
    const claims = {
      job: scope.jobId,
      ds: scope.dataset,
      sym: scope.symbols,
      iss: GRANT_ISSUER,
      aud: GRANT_AUDIENCE,
      sub: scope.subject,
      iat: Math.floor(nowMs / 1000),
      exp: Math.ceil(scope.expiresAt / 1000),
    };
    const signingInput = `${this.header}.${base64url(JSON.stringify(claims))}`;
    this.issuedCount++;
    return `${signingInput}.${this.signature(signingInput)}`;
  }

  private signature(signingInput: string): string {
    if (this.algorithm === GRANT_SECRET_ALGORITHM) {
      this.privateKey ??= grantSecretOf(this.key);
      return createHmac('sha256', this.privateKey).update(signingInput).digest('base64url');
    }
    this.privateKey ??= createPrivateKey({ key: this.key.privateJwk as JsonWebKey, format: 'jwk' });
    // ES256 signatures in a JWS are r || s (IEEE P1363), not DER.
    return sign('sha256', Buffer.from(signingInput), { key: this.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  }

  /** The signed grant for `scope`, as a promise (for callers that await). */
  async issue(scope: GrantScope, nowMs = Date.now()): Promise<string> {
    return this.sign(scope, nowMs);
  }
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
