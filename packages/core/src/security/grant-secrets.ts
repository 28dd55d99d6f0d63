import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { TOKEN_ALGORITHM } from './token-keys.js';
import { fixedSource, WatchedFile, type KeySource } from './watched-file.js';

/**
 * How a write grant is signed. HS256 (the default): a secret the coordinator,
 * the heads and the shards share; it signs in ~2.6 us against ~24 us for ES256
 * (node:crypto, one core, docs/security.md), and the coordinator signs one
 * grant per job per lease answer. ES256: a key pair whose public half is in the
 * JWKS, marked florin_use "grant" (grant-keys.ts). Heads are trusted to write
 * for themselves anyway, so holding the secret gives them nothing new; QCUs
 * never hold it.
 */
export type GrantAlgorithm = 'HS256' | typeof TOKEN_ALGORITHM;

/** The HMAC algorithm of grants signed with a shared secret. */
export const GRANT_SECRET_ALGORITHM = 'HS256';

/** Shortest grant secret accepted, in bytes (RFC 7518 3.2: at least the hash size). */
export const MIN_GRANT_SECRET_BYTES = 32;

/** A grant signing key: an HS256 secret (kty oct) or a private ES256 key (kty EC). */
export interface GrantKey {
  readonly kid: string;
  readonly alg: GrantAlgorithm;
  readonly privateJwk: JWK;
}

/** The algorithm a private JWK signs grants with. */
export function grantAlgorithmOf(key: { privateJwk: JWK }): GrantAlgorithm {
  return key.privateJwk.kty === 'oct' ? GRANT_SECRET_ALGORITHM : TOKEN_ALGORITHM;
}

/** A new random HS256 grant secret (32 bytes) with a random kid. */
export function generateGrantSecret(): GrantKey {
  const kid = `grant-${randomBytes(9).toString('base64url')}`;
  return { kid, alg: GRANT_SECRET_ALGORITHM, privateJwk: { kty: 'oct', k: randomBytes(MIN_GRANT_SECRET_BYTES).toString('base64url'), kid, alg: GRANT_SECRET_ALGORITHM } };
}

/**
 * Parses grant keys: one private JWK or a JWK set, each an HS256 secret (kty
 * oct, k of at least 32 bytes, kid) or a private ES256 key (kty EC, crv P-256,
 * d, kid). The coordinator signs with the first; heads and shards verify with
 * every HS256 secret of the set (the set holds the new and the old secret
 * during a rotation).
 */
export function parseGrantKeys(text: string, origin: string): GrantKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${origin} holds no grant key (not JSON)`);
  }
  const list = (parsed as { keys?: unknown } | null)?.keys ?? [parsed];
  if (!Array.isArray(list) || list.length === 0) throw new Error(`${origin} holds no grant key`);
  return list.map((jwk: JWK) => {
    const usable = typeof jwk === 'object' && jwk !== null && typeof jwk.kid === 'string' && jwk.kid.length > 0;
    if (usable && jwk.kty === 'oct' && typeof jwk.k === 'string' && Buffer.from(jwk.k, 'base64url').length >= MIN_GRANT_SECRET_BYTES) {
      return { kid: jwk.kid!, alg: GRANT_SECRET_ALGORITHM, privateJwk: jwk };
    }
    if (usable && jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.d === 'string') return { kid: jwk.kid!, alg: TOKEN_ALGORITHM, privateJwk: jwk };
    throw new Error(
      `${origin}: a grant key is an HS256 secret (kty oct, k of at least ${MIN_GRANT_SECRET_BYTES} bytes, kid) or a private ES256 key (kty EC, crv P-256, d, kid); ` +
        '`florin token keygen --grant` makes one',
    );
  });
}

/** The secret of an HS256 grant key. */
export function grantSecretOf(key: { privateJwk: JWK }): KeyObject {
  return createSecretKey(Buffer.from(key.privateJwk.k ?? '', 'base64url'));
}

/**
 * The HS256 secrets that verify grants on heads and shards, by kid, from the
 * grant key file (re-read when it changes: a rotation adds the new secret,
 * later removes the old one) or text (FLORIN_GRANT_KEY_JSON). ES256 keys in
 * the set are ignored here: their public halves verify from the JWKS.
 */
export class GrantSecrets {
  private parsedFrom: readonly GrantKey[] | undefined;
  private byKid = new Map<string, KeyObject>();

  private constructor(private readonly source: KeySource<readonly GrantKey[]>) {}

  static fromFile(file: string, recheckMs = 5_000): GrantSecrets {
    return new GrantSecrets(new WatchedFile(file, parseGrantKeys, recheckMs));
  }

  static fromText(text: string, origin = 'the grant key'): GrantSecrets {
    return new GrantSecrets(fixedSource(parseGrantKeys(text, origin)));
  }

  static of(keys: readonly GrantKey[]): GrantSecrets {
    return new GrantSecrets(fixedSource([...keys]));
  }

  /** The secret with this kid, if this server holds it. */
  secret(kid: string): KeyObject | undefined {
    return this.secrets().get(kid);
  }

  /** Re-reads the file now; true when it changed. */
  reload(): boolean {
    return this.source.reload();
  }

  private secrets(): Map<string, KeyObject> {
    const keys = this.source.current();
    if (keys !== this.parsedFrom) {
      this.byKid = new Map(keys.filter((k) => k.alg === GRANT_SECRET_ALGORITHM).map((k) => [k.kid, grantSecretOf(k)]));
      this.parsedFrom = keys;
    }
    return this.byKid;
  }
}
