import { LRUCache } from 'lru-cache';

/** The outcome of checking a signed credential (a bearer token, a write grant). */
export type Verdict<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface VerdictCacheOptions<T> {
  /** Entries kept (LRU). Give this or maxSize. */
  max?: number;
  /** Total size kept (LRU), with `sizeOf` measuring one entry by its key and value. */
  maxSize?: number;
  sizeOf?: (key: string, verdict: Verdict<T>) => number;
  /** When an accepted credential stops being valid (epoch ms). */
  expiresAt: (value: T) => number;
  /** Extra time an accepted credential stays valid past expiresAt (clock tolerance); default 0. */
  graceMs?: number;
  /** The refusal of a cached credential that has since expired. */
  expiredReason: (value: T) => string;
  /** How long a refusal is remembered; default 30 s (a bad credential costs one check per period). */
  rejectTtlMs?: number;
  now?: () => number;
}

/**
 * A bounded LRU cache of verdicts on signed credentials, keyed by the
 * credential's exact text: an accepted one until it expires, a refused one for
 * `rejectTtlMs`. Concurrent checks of the same credential share one
 * evaluation. Shared by the TokenVerifier and the GrantVerifier, so a
 * credential's uses after the first cost a map lookup, not a signature check.
 */
export class VerdictCache<T> {
  private readonly cache: LRUCache<string, Verdict<T>>;
  private readonly pending = new Map<string, Promise<Verdict<T>>>();
  private readonly expiresAt: (value: T) => number;
  private readonly expiredReason: (value: T) => string;
  private readonly graceMs: number;
  private readonly rejectTtlMs: number;
  private readonly now: () => number;
  private evaluationCount = 0;

  constructor(options: VerdictCacheOptions<T>) {
    const sizeOf = options.sizeOf;
    if (options.maxSize !== undefined) {
      if (!sizeOf) throw new TypeError('a VerdictCache bounded by maxSize needs sizeOf');
      this.cache = new LRUCache<string, Verdict<T>>({ maxSize: options.maxSize, sizeCalculation: (verdict, key) => Math.max(1, sizeOf(key, verdict)) });
    } else {
      this.cache = new LRUCache<string, Verdict<T>>({ max: options.max ?? 10_000 });
    }
    this.expiresAt = options.expiresAt;
    this.expiredReason = options.expiredReason;
    this.graceMs = options.graceMs ?? 0;
    this.rejectTtlMs = options.rejectTtlMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** Evaluations done so far (cache misses: signature checks). */
  get evaluations(): number {
    return this.evaluationCount;
  }

  /** Verdicts held. */
  get size(): number {
    return this.cache.size;
  }

  /** The cached verdict of `key`, if any; an accepted credential past its expiry is refused and dropped (sync: the hot path). */
  cached(key: string): Verdict<T> | undefined {
    const verdict = this.cache.get(key);
    if (verdict?.ok && this.expiresAt(verdict.value) + this.graceMs <= this.now()) {
      this.cache.delete(key);
      return { ok: false, reason: this.expiredReason(verdict.value) };
    }
    return verdict;
  }

  /** The verdict of `key`: cached, or from `evaluate` (once for concurrent callers), then cached. */
  resolve(key: string, evaluate: (key: string) => Promise<Verdict<T>>): Verdict<T> | Promise<Verdict<T>> {
    const hit = this.cached(key);
    if (hit) return hit;
    let running = this.pending.get(key);
    if (!running) {
      running = this.evaluateNow(key, evaluate).finally(() => this.pending.delete(key));
      this.pending.set(key, running);
    }
    return running;
  }

  private async evaluateNow(key: string, evaluate: (key: string) => Promise<Verdict<T>>): Promise<Verdict<T>> {
    this.evaluationCount++;
    const verdict = await evaluate(key);
    if (verdict.ok) {
      const ttl = this.expiresAt(verdict.value) + this.graceMs - this.now();
      if (ttl > 0) this.cache.set(key, verdict, { ttl });
    } else {
      this.cache.set(key, verdict, { ttl: this.rejectTtlMs });
    }
    return verdict;
  }
}
