import type { KeyObject } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { GRANT_AUDIENCE, GRANT_ISSUER, keysFor } from './grant-keys.js';
import { TOKEN_ALGORITHM, type KeySetSource } from './token-keys.js';
import { GRANT_SECRET_ALGORITHM, type GrantSecrets } from './grant-secrets.js';
import { VerdictCache, type Verdict } from './verdict-cache.js';

/** What a verified grant allows (see grant-keys.ts for what a grant is). */
export interface WriteGrant {
  /** The identity (token sub or certificate CN) of the QCU that leased the tasks. */
  readonly subject: string;
  readonly jobId: string;
  /** The job's output dataset. */
  readonly dataset: string;
  readonly symbols: ReadonlySet<string>;
  /** Epoch ms the grant stops being valid (the lease's expiry). */
  readonly expiresAt: number;
}

/** Why a grant was refused; the message never echoes the grant. */
export class GrantRejected extends Error {
  override readonly name = 'GrantRejected';
}

export interface GrantVerifierOptions {
  /** The HS256 grant secrets this server shares with the coordinator (its grant key file); absent: ES256 grants only. */
  secrets?: GrantSecrets;
  /** Bytes of verified grants kept (LRU, by the grants' length); default 64 MiB. */
  maxCachedBytes?: number;
  /** How long a refusal is remembered; default 30 s. */
  rejectTtlMs?: number;
  /** Clock tolerance in seconds for exp; default 5. */
  clockToleranceSec?: number;
  now?: () => number;
}

type GrantVerdict = Verdict<WriteGrant>;

/**
 * Verifies grants, HS256 against the grant secrets this server holds and ES256
 * against the grant keys of a JWKS (the one that verifies tokens), and caches
 * each verdict (VerdictCache) until the grant expires, so a QCU's writes after
 * the first cost a map lookup.
 */
export class GrantVerifier {
  private readonly verdicts: VerdictCache<WriteGrant>;
  private readonly clockToleranceSec: number;
  private readonly now: () => number;
  private readonly secrets: GrantSecrets | undefined;
  private readonly evaluateGrant = (grant: string): Promise<GrantVerdict> => this.evaluate(grant);

  constructor(
    private readonly keys: KeySetSource | undefined,
    options: GrantVerifierOptions = {},
  ) {
    this.clockToleranceSec = options.clockToleranceSec ?? 5;
    this.now = options.now ?? Date.now;
    this.secrets = options.secrets;
    this.verdicts = new VerdictCache<WriteGrant>({
      maxSize: options.maxCachedBytes ?? 64 * 1024 * 1024,
      // A verdict holds the grant string (the key) and a Set of its symbols: about three times the grant.
      sizeOf: (grant) => grant.length * 3,
      expiresAt: (g) => g.expiresAt,
      graceMs: this.clockToleranceSec * 1000,
      expiredReason,
      rejectTtlMs: options.rejectTtlMs,
      now: this.now,
    });
  }

  /** Signature checks done so far (cache misses). */
  get verified(): number {
    return this.verdicts.evaluations;
  }

  /** The cached verdict, if any and still valid (sync: the hot path). */
  cached(grant: string): GrantVerdict | undefined {
    return this.verdicts.cached(grant);
  }

  /** The verdict of `grant`: synchronous when cached. */
  verdict(grant: string): GrantVerdict | Promise<GrantVerdict> {
    return this.verdicts.resolve(grant, this.evaluateGrant);
  }

  /** The grant, or GrantRejected naming the problem. */
  async verify(grant: string): Promise<WriteGrant> {
    const verdict = await this.verdict(grant);
    if (!verdict.ok) throw new GrantRejected(verdict.reason);
    return verdict.value;
  }

  private async evaluate(grant: string): Promise<GrantVerdict> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(grant).kid;
    } catch {
      return { ok: false, reason: 'a write grant is not a JWT' };
    }
    if (!kid) return { ok: false, reason: 'a write grant has no key id (kid)' };
    const key = this.keyFor(kid);
    if (!key) {
      return {
        ok: false,
        reason: `a write grant is signed by an unknown key (kid ${kid}); it is not among this server's grant keys (the grant secrets of --grant-key or FLORIN_GRANT_KEY_JSON, and JWKS entries with florin_use "grant")`,
      };
    }
    const checks = {
      algorithms: [key.algorithm],
      issuer: GRANT_ISSUER,
      audience: GRANT_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: this.clockToleranceSec,
      currentDate: new Date(this.now()),
    };
    let payload: JWTPayload;
    try {
      ({ payload } = key.algorithm === GRANT_SECRET_ALGORITHM ? await jwtVerify(grant, key.secret, checks) : await jwtVerify(grant, key.keySet, checks));
    } catch (err) {
      return { ok: false, reason: reasonOf(err, key.algorithm) };
    }
    const { job, ds, sym } = payload as { job?: unknown; ds?: unknown; sym?: unknown };
    if (typeof job !== 'string' || typeof ds !== 'string' || !Array.isArray(sym) || !sym.every((s) => typeof s === 'string')) {
      return { ok: false, reason: 'a write grant lacks its job, dataset or symbols' };
    }
    return { ok: true, value: { subject: payload.sub!, jobId: job, dataset: ds, symbols: new Set(sym), expiresAt: payload.exp! * 1000 } };
  }

  /**
   * The key with this kid and the one algorithm it verifies: a grant secret
   * (HS256) or a JWKS grant key (ES256). Each key verifies only its own
   * algorithm, so a public key can never be used as an HMAC secret.
   */
  private keyFor(kid: string): { algorithm: typeof GRANT_SECRET_ALGORITHM; secret: KeyObject } | { algorithm: typeof TOKEN_ALGORITHM; keySet: ReturnType<typeof createLocalJWKSet> } | undefined {
    const secret = this.secrets?.secret(kid) ?? (this.secrets?.reload() ? this.secrets.secret(kid) : undefined);
    if (secret) return { algorithm: GRANT_SECRET_ALGORITHM, secret };
    if (!this.keys) return undefined;
    const keys = this.keys;
    const known = (): JSONWebKeySet => keysFor(keys.current(), 'grant');
    let keySet = known();
    if (!keySet.keys.some((k) => k.kid === kid) && keys.reload()) keySet = known();
    return keySet.keys.some((k) => k.kid === kid) ? { algorithm: TOKEN_ALGORITHM, keySet: createLocalJWKSet(keySet) } : undefined;
  }
}

function expiredReason(grant: WriteGrant): string {
  return `the write grant for job ${grant.jobId} has expired (its lease ended); only a task's current lease may write`;
}

function reasonOf(err: unknown, algorithm: string): string {
  if (err instanceof errors.JWTExpired) return 'a write grant has expired (its lease ended); only a task\'s current lease may write';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'a write grant\'s signature does not verify';
  if (err instanceof errors.JWTClaimValidationFailed) return `a write grant's claim ${err.claim} is not valid (${err.reason})`;
  if (err instanceof errors.JOSEAlgNotAllowed) return `a write grant with this key id must be signed with ${algorithm}`;
  return 'a write grant is malformed';
}

/** Most grants one write may carry (a QCU merges the writes of its tasks of one job). */
export const MAX_GRANTS_PER_WRITE = 256;

/** What a write asks to touch. */
export interface WriteScope {
  dataset: string;
  symbols: Iterable<string>;
  grants: readonly string[];
}

/**
 * Checks that `grants` cover a write by `subject`: each grant verified, issued
 * to this caller, for this dataset, and every symbol covered by one of them.
 * Resolves undefined when allowed, else the refusal naming what is missing.
 * Synchronous when every grant's verdict is cached (the hot path).
 */
export function checkWriteGrants(verifier: GrantVerifier, subject: string | undefined, scope: WriteScope): string | undefined | Promise<string | undefined> {
  if (scope.grants.length > MAX_GRANTS_PER_WRITE) {
    return `a write carries ${scope.grants.length} grants; at most ${MAX_GRANTS_PER_WRITE} (split the write)`;
  }
  const verdicts: GrantVerdict[] = [];
  let misses: Promise<GrantVerdict>[] | undefined;
  for (const g of scope.grants) {
    const verdict = verifier.verdict(g);
    if (verdict instanceof Promise) (misses ??= []).push(verdict.catch((): GrantVerdict => ({ ok: false, reason: 'a write grant could not be verified' })));
    else verdicts.push(verdict);
  }
  if (!misses) return coverage(verdicts, subject, scope);
  return Promise.all(misses).then((more) => coverage([...verdicts, ...more], subject, scope));
}

function coverage(verdicts: readonly GrantVerdict[], subject: string | undefined, scope: WriteScope): string | undefined {
  const usable: WriteGrant[] = [];
  for (const v of verdicts) {
    if (!v.ok) return v.reason;
    if (subject !== undefined && v.value.subject !== subject) {
      return `the write grant for job ${v.value.jobId} was issued to ${v.value.subject}, not to ${subject}; a QCU writes only with the grants of the tasks it leased`;
    }
    usable.push(v.value);
  }
  const forDataset = usable.filter((g) => g.dataset === scope.dataset);
  if (forDataset.length === 0) {
    const granted = [...new Set(usable.map((g) => g.dataset))];
    return granted.length > 0
      ? `no write grant covers dataset ${scope.dataset}: the grants are for ${granted.join(', ')} (job ${[...new Set(usable.map((g) => g.jobId))].join(', ')}); a task writes only its job's output dataset`
      : `writing dataset ${scope.dataset} needs a write grant: a qcu writes only the output of the tasks it leased (the grant the coordinator sends with each lease)`;
  }
  const missing: string[] = [];
  for (const symbol of scope.symbols) {
    if (!forDataset.some((g) => g.symbols.has(symbol))) {
      missing.push(symbol);
      if (missing.length >= 5) break;
    }
  }
  if (missing.length > 0) {
    return `the write grants for dataset ${scope.dataset} (job ${[...new Set(forDataset.map((g) => g.jobId))].join(', ')}) do not cover symbol${missing.length > 1 ? 's' : ''} ${missing.map((s) => JSON.stringify(s)).join(', ')}${missing.length >= 5 ? ' (and maybe more)' : ''}; a task writes only its own symbols`;
  }
  return undefined;
}
