import { createLocalJWKSet, decodeProtectedHeader, errors, importJWK, jwtVerify, SignJWT, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import { TOKEN_ALGORITHM, type KeySetSource, type SigningKey } from './token-keys.js';

/**
 * Write grants: what a QCU may write, signed by the coordinator when it leases
 * tasks, checked by head nodes and shards without calling the coordinator.
 * A grant is a short JWT (ES256, `jose`): sub = the QCU's identity, `job`,
 * `ds` = the job's output dataset, `sym` = the symbols of the leased tasks,
 * exp = the lease's expiry. Grant keys are ordinary JWKS entries marked
 * `florin_use: "grant"`: the same key distribution as tokens, but a grant key
 * never verifies a bearer token and a token key never verifies a grant.
 */
export const GRANT_AUDIENCE = 'florin-grant';
export const GRANT_ISSUER = 'florin-coordinator';
/** The JWK member that marks a key as a grant key. */
export const KEY_USE_MEMBER = 'florin_use';
export const GRANT_KEY_USE = 'grant';

/** What a verified grant allows. */
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

export interface GrantScope {
  subject: string;
  jobId: string;
  dataset: string;
  symbols: readonly string[];
  /** Epoch ms (the lease expiry); rounded up to whole seconds. */
  expiresAt: number;
}

/** Signs grants with the coordinator's grant key. */
export class GrantIssuer {
  private privateKey: Promise<Awaited<ReturnType<typeof importJWK>>> | undefined;
  private issuedCount = 0;

  constructor(private readonly key: SigningKey) {}

  get kid(): string {
    return this.key.kid;
  }

  /** Grants signed so far. */
  get issued(): number {
    return this.issuedCount;
  }

  async issue(scope: GrantScope, nowMs = Date.now()): Promise<string> {
    this.privateKey ??= importJWK(this.key.privateJwk, TOKEN_ALGORITHM);
    const key = await this.privateKey;
    this.issuedCount++;
    return new SignJWT({ job: scope.jobId, ds: scope.dataset, sym: [...scope.symbols] })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: this.key.kid, typ: 'florin-grant+jwt' })
      .setIssuer(GRANT_ISSUER)
      .setAudience(GRANT_AUDIENCE)
      .setSubject(scope.subject)
      .setIssuedAt(Math.floor(nowMs / 1000))
      .setExpirationTime(Math.ceil(scope.expiresAt / 1000))
      .sign(key);
  }
}

/** Why a grant was refused; the message never echoes the grant. */
export class GrantRejected extends Error {
  override readonly name = 'GrantRejected';
}

export interface GrantVerifierOptions {
  /** Bytes of verified grants kept (LRU, by the grants' length); default 64 MiB. */
  maxCachedBytes?: number;
  /** How long a refusal is remembered; default 30 s. */
  rejectTtlMs?: number;
  /** Clock tolerance in seconds for exp; default 5. */
  clockToleranceSec?: number;
  now?: () => number;
}

type GrantVerdict = { ok: true; grant: WriteGrant } | { ok: false; reason: string };

/**
 * Verifies grants against the grant keys of a JWKS (the one that verifies
 * tokens) and caches each verdict until the grant expires, so a QCU's writes
 * after the first cost a map lookup.
 */
export class GrantVerifier {
  private readonly cache: LRUCache<string, GrantVerdict>;
  private readonly pending = new Map<string, Promise<GrantVerdict>>();
  private readonly rejectTtlMs: number;
  private readonly clockToleranceSec: number;
  private readonly now: () => number;
  private verifications = 0;

  constructor(
    private readonly keys: KeySetSource,
    options: GrantVerifierOptions = {},
  ) {
    this.cache = new LRUCache<string, GrantVerdict>({
      maxSize: options.maxCachedBytes ?? 64 * 1024 * 1024,
      // A verdict holds the grant string (the key) and a Set of its symbols: about three times the grant.
      sizeCalculation: (_verdict, grant) => Math.max(1, grant.length * 3),
    });
    this.rejectTtlMs = options.rejectTtlMs ?? 30_000;
    this.clockToleranceSec = options.clockToleranceSec ?? 5;
    this.now = options.now ?? Date.now;
  }

  /** Signature checks done so far (cache misses). */
  get verified(): number {
    return this.verifications;
  }

  /** The cached verdict, if any and still valid (sync: the hot path). */
  cached(grant: string): GrantVerdict | undefined {
    const verdict = this.cache.get(grant);
    if (verdict?.ok && verdict.grant.expiresAt + this.clockToleranceSec * 1000 <= this.now()) {
      this.cache.delete(grant);
      return { ok: false, reason: expiredReason(verdict.grant) };
    }
    return verdict;
  }

  /** The grant, or GrantRejected naming the problem. */
  async verify(grant: string): Promise<WriteGrant> {
    const verdict = this.cached(grant) ?? (await this.check(grant));
    if (!verdict.ok) throw new GrantRejected(verdict.reason);
    return verdict.grant;
  }

  private check(grant: string): Promise<GrantVerdict> {
    let running = this.pending.get(grant);
    if (!running) {
      running = this.verifyNow(grant).finally(() => this.pending.delete(grant));
      this.pending.set(grant, running);
    }
    return running;
  }

  private async verifyNow(grant: string): Promise<GrantVerdict> {
    this.verifications++;
    const verdict = await this.evaluate(grant);
    if (verdict.ok) {
      const ttl = verdict.grant.expiresAt + this.clockToleranceSec * 1000 - this.now();
      if (ttl > 0) this.cache.set(grant, verdict, { ttl });
    } else {
      this.cache.set(grant, verdict, { ttl: this.rejectTtlMs });
    }
    return verdict;
  }

  private async evaluate(grant: string): Promise<GrantVerdict> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(grant).kid;
    } catch {
      return { ok: false, reason: 'a write grant is not a JWT' };
    }
    if (!kid) return { ok: false, reason: 'a write grant has no key id (kid)' };
    const known = (): JSONWebKeySet => keysFor(this.keys.current(), 'grant');
    let keySet = known();
    if (!keySet.keys.some((k) => k.kid === kid) && this.keys.reload()) keySet = known();
    if (!keySet.keys.some((k) => k.kid === kid)) {
      return { ok: false, reason: `a write grant is signed by an unknown key (kid ${kid}); it is not among this server's grant keys (JWKS entries with florin_use "grant")` };
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(grant, createLocalJWKSet(keySet), {
        algorithms: [TOKEN_ALGORITHM],
        issuer: GRANT_ISSUER,
        audience: GRANT_AUDIENCE,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: this.clockToleranceSec,
        currentDate: new Date(this.now()),
      }));
    } catch (err) {
      return { ok: false, reason: reasonOf(err) };
    }
    const { job, ds, sym } = payload as { job?: unknown; ds?: unknown; sym?: unknown };
    if (typeof job !== 'string' || typeof ds !== 'string' || !Array.isArray(sym) || !sym.every((s) => typeof s === 'string')) {
      return { ok: false, reason: 'a write grant lacks its job, dataset or symbols' };
    }
    return { ok: true, grant: { subject: payload.sub!, jobId: job, dataset: ds, symbols: new Set(sym), expiresAt: payload.exp! * 1000 } };
  }
}

function expiredReason(grant: WriteGrant): string {
  return `the write grant for job ${grant.jobId} has expired (its lease ended); only a task's current lease may write`;
}

function reasonOf(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'a write grant has expired (its lease ended); only a task\'s current lease may write';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'a write grant\'s signature does not verify';
  if (err instanceof errors.JWTClaimValidationFailed) return `a write grant's claim ${err.claim} is not valid (${err.reason})`;
  if (err instanceof errors.JOSEAlgNotAllowed) return `a write grant must be signed with ${TOKEN_ALGORITHM}`;
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
    const hit = verifier.cached(g);
    if (hit) verdicts.push(hit);
    else
      (misses ??= []).push(
        verifier.verify(g).then(
          (grant): GrantVerdict => ({ ok: true, grant }),
          (err: unknown): GrantVerdict => ({ ok: false, reason: err instanceof GrantRejected ? err.message : 'a write grant could not be verified' }),
        ),
      );
  }
  if (!misses) return coverage(verdicts, subject, scope);
  return Promise.all(misses).then((more) => coverage([...verdicts, ...more], subject, scope));
}

function coverage(verdicts: readonly GrantVerdict[], subject: string | undefined, scope: WriteScope): string | undefined {
  const usable: WriteGrant[] = [];
  for (const v of verdicts) {
    if (!v.ok) return v.reason;
    if (subject !== undefined && v.grant.subject !== subject) {
      return `the write grant for job ${v.grant.jobId} was issued to ${v.grant.subject}, not to ${subject}; a QCU writes only with the grants of the tasks it leased`;
    }
    usable.push(v.grant);
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
