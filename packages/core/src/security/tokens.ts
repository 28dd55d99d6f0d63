import { createLocalJWKSet, decodeProtectedHeader, errors, importJWK, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { isRole, type CallerIdentity, type Role } from './roles.js';
import { TOKEN_ALGORITHM, type KeySetSource, type SigningKey } from './token-keys.js';
import { keysFor } from './grant-keys.js';
import { VerdictCache, type Verdict } from './verdict-cache.js';

export const TOKEN_ISSUER = 'florin';
export const TOKEN_AUDIENCE = 'florin';
/** The claim that carries the role. */
export const ROLE_CLAIM = 'florin_role';

export interface IssueTokenOptions {
  subject: string;
  role: Role;
  /** Lifetime in ms. */
  ttlMs: number;
  /** Issue time (epoch ms); default now. */
  nowMs?: number;
}

/** Signs a token (ES256, kid in the header, iss/aud florin, sub, role claim, iat, exp). */
export async function issueToken(key: SigningKey, options: IssueTokenOptions): Promise<string> {
  if (!Number.isFinite(options.ttlMs) || options.ttlMs <= 0) throw new Error(`token lifetime must be positive, got ${options.ttlMs} ms`);
  const now = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const privateKey = await importJWK(key.privateJwk, TOKEN_ALGORITHM);
  return new SignJWT({ [ROLE_CLAIM]: options.role })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(options.subject)
    .setIssuedAt(now)
    .setExpirationTime(now + Math.max(1, Math.round(options.ttlMs / 1000)))
    .sign(privateKey);
}

/** Why a token was refused; the message names what is missing and never echoes the token. */
export class TokenRejected extends Error {
  override readonly name = 'TokenRejected';
}

export interface TokenVerifierOptions {
  /** Verdicts kept (LRU); default 10,000. */
  maxCached?: number;
  /** How long a refusal is remembered (bad tokens cost one verification per this period); default 30 s. */
  rejectTtlMs?: number;
  /** Clock tolerance in seconds for exp/iat; default 5. */
  clockToleranceSec?: number;
  now?: () => number;
}

/**
 * Verifies bearer tokens (ES256, key chosen by kid, expiry, issuer, audience,
 * role claim) and keeps each verdict in a bounded LRU cache (VerdictCache)
 * until the token expires, so a caller's calls after the first cost a map
 * lookup, not a signature check.
 */
export class TokenVerifier {
  private readonly verdicts: VerdictCache<CallerIdentity>;
  private readonly clockToleranceSec: number;
  private readonly now: () => number;
  private readonly evaluateToken = (token: string): Promise<Verdict<CallerIdentity>> => this.evaluate(token);

  constructor(
    private readonly keys: KeySetSource,
    options: TokenVerifierOptions = {},
  ) {
    this.clockToleranceSec = options.clockToleranceSec ?? 5;
    this.now = options.now ?? Date.now;
    this.verdicts = new VerdictCache<CallerIdentity>({
      max: options.maxCached ?? 10_000,
      expiresAt: (identity) => identity.expiresAt,
      expiredReason: () => EXPIRED,
      rejectTtlMs: options.rejectTtlMs,
      now: this.now,
    });
  }

  /** Signature checks done so far (cache misses). */
  get verified(): number {
    return this.verdicts.evaluations;
  }

  /** The cached verdict, if any and still valid (sync: the hot path). */
  cached(token: string): Verdict<CallerIdentity> | undefined {
    return this.verdicts.cached(token);
  }

  /** Resolves the caller, or rejects with TokenRejected naming the problem. */
  async verify(token: string): Promise<CallerIdentity> {
    const verdict = await this.verdicts.resolve(token, this.evaluateToken);
    if (!verdict.ok) throw new TokenRejected(verdict.reason);
    return verdict.value;
  }

  private async evaluate(token: string): Promise<Verdict<CallerIdentity>> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return { ok: false, reason: 'the bearer token is not a JWT' };
    }
    if (!kid) return { ok: false, reason: 'the token has no key id (kid)' };
    // Grant keys (the coordinator's) never verify a bearer token.
    let keySet = keysFor(this.keys.current(), 'token');
    if (!keySet.keys.some((k) => k.kid === kid) && this.keys.reload()) keySet = keysFor(this.keys.current(), 'token');
    if (!keySet.keys.some((k) => k.kid === kid)) return { ok: false, reason: `the token is signed by an unknown key (kid ${kid}); it is not among this server's trusted keys` };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, createLocalJWKSet(keySet), {
        algorithms: [TOKEN_ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: this.clockToleranceSec,
        currentDate: new Date(this.now()),
      }));
    } catch (err) {
      return { ok: false, reason: reasonOf(err) };
    }
    const role = payload[ROLE_CLAIM];
    if (!isRole(role)) return { ok: false, reason: `the token carries no valid role (claim ${ROLE_CLAIM})` };
    return { ok: true, value: { subject: payload.sub!, role, via: 'token', expiresAt: payload.exp! * 1000 } };
  }
}

const EXPIRED = 'the token has expired; get a new one (florin token issue)';

function reasonOf(err: unknown): string {
  if (err instanceof errors.JWTExpired) return EXPIRED;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (err instanceof errors.JWTClaimValidationFailed) return `the token claim ${err.claim} is not valid (${err.reason})`;
  if (err instanceof errors.JOSEAlgNotAllowed) return `the token must be signed with ${TOKEN_ALGORITHM}`;
  return 'the token is malformed';
}
