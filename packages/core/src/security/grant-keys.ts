import type { JSONWebKeySet, JWK } from 'jose';
import type { SigningKey } from './token-keys.js';

/**
 * Write grants: what a QCU may write, signed by the coordinator when it leases
 * tasks (GrantIssuer), checked by head nodes and shards without calling the
 * coordinator (GrantVerifier). A grant is a short JWT (ES256): sub = the QCU's
 * identity, `job`, `ds` = the job's output dataset, `sym` = the symbols of the
 * leased tasks, exp = the lease's expiry. Grant keys are ordinary JWKS entries
 * marked `florin_use: "grant"`: the same key distribution as tokens, but a
 * grant key never verifies a bearer token and a token key never verifies a grant.
 */
export const GRANT_AUDIENCE = 'florin-grant';
export const GRANT_ISSUER = 'florin-coordinator';
/** The `typ` header of a grant. */
export const GRANT_TYPE = 'florin-grant+jwt';
/** The JWK member that marks a key as a grant key. */
export const KEY_USE_MEMBER = 'florin_use';
export const GRANT_KEY_USE = 'grant';

/** True for a JWK marked as a grant key. */
export function isGrantKey(jwk: JWK): boolean {
  return (jwk as Record<string, unknown>)[KEY_USE_MEMBER] === GRANT_KEY_USE;
}

/** The public JWK of a grant key, marked for the JWKS heads and shards trust. */
export function grantPublicJwk(key: SigningKey): JWK {
  return { ...key.publicJwk, [KEY_USE_MEMBER]: GRANT_KEY_USE } as JWK;
}

/** The keys of `keySet` for one use (grants, or everything else: tokens). */
export function keysFor(keySet: JSONWebKeySet, use: 'grant' | 'token'): JSONWebKeySet {
  return { keys: keySet.keys.filter((k) => isGrantKey(k) === (use === 'grant')) };
}
