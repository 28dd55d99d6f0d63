import { describe, expect, it } from 'vitest';
import { VerdictCache, type Verdict } from '../src/index.js';

interface Pass {
  name: string;
  expiresAt: number;
}

function cacheAt(clock: { now: number }, options: { max?: number; maxSize?: number; graceMs?: number } = {}): VerdictCache<Pass> {
  return new VerdictCache<Pass>({
    ...options,
    ...(options.maxSize !== undefined ? { sizeOf: (key: string) => key.length } : {}),
    expiresAt: (p) => p.expiresAt,
    expiredReason: (p) => `${p.name} has expired`,
    rejectTtlMs: 1_000,
    now: () => clock.now,
  });
}

describe('VerdictCache', () => {
  it('evaluates a key once, answers later lookups synchronously, and refuses an accepted key once it expires', async () => {
    const clock = { now: 1_000_000 };
    const cache = cacheAt(clock);
    let calls = 0;
    const evaluate = async (key: string): Promise<Verdict<Pass>> => {
      calls++;
      return { ok: true, value: { name: key, expiresAt: clock.now + 10_000 } };
    };
    expect(cache.cached('a')).toBeUndefined();
    const first = cache.resolve('a', evaluate);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual({ ok: true, value: { name: 'a', expiresAt: 1_010_000 } });
    const second = cache.resolve('a', evaluate);
    expect(second).toEqual({ ok: true, value: { name: 'a', expiresAt: 1_010_000 } });
    expect(calls).toBe(1);
    expect(cache.evaluations).toBe(1);
    clock.now += 10_000;
    expect(cache.cached('a')).toEqual({ ok: false, reason: 'a has expired' });
    expect(cache.size).toBe(0);
  });

  it('keeps an accepted key valid for graceMs past its expiry', async () => {
    const clock = { now: 5_000 };
    const cache = cacheAt(clock, { graceMs: 2_000 });
    await cache.resolve('k', async (key) => ({ ok: true, value: { name: key, expiresAt: 6_000 } }));
    clock.now = 7_999;
    expect(cache.cached('k')).toEqual({ ok: true, value: { name: 'k', expiresAt: 6_000 } });
    clock.now = 8_000;
    expect(cache.cached('k')).toEqual({ ok: false, reason: 'k has expired' });
  });

  it('shares one evaluation among concurrent lookups of a key', async () => {
    const clock = { now: 0 };
    const cache = cacheAt(clock);
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const evaluate = async (key: string): Promise<Verdict<Pass>> => {
      calls++;
      await gate;
      return { ok: true, value: { name: key, expiresAt: 60_000 } };
    };
    const all = Promise.all([cache.resolve('x', evaluate), cache.resolve('x', evaluate), cache.resolve('x', evaluate)]);
    release();
    expect((await all).map((v) => v.ok)).toEqual([true, true, true]);
    expect(calls).toBe(1);
  });

  it('remembers a refusal for rejectTtlMs, then evaluates again', async () => {
    const clock = { now: 0 };
    const cache = cacheAt(clock);
    let calls = 0;
    const evaluate = async (): Promise<Verdict<Pass>> => {
      calls++;
      return { ok: false, reason: 'bad signature' };
    };
    expect(await cache.resolve('bad', evaluate)).toEqual({ ok: false, reason: 'bad signature' });
    expect(cache.resolve('bad', evaluate)).toEqual({ ok: false, reason: 'bad signature' });
    expect(calls).toBe(1);
    // lru-cache reads its TTL clock from performance.now(), not from `now`: wait the real second out.
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await cache.resolve('bad', evaluate)).toEqual({ ok: false, reason: 'bad signature' });
    expect(calls).toBe(2);
  });

  it('does not cache an accepted key that has already expired', async () => {
    const clock = { now: 10_000 };
    const cache = cacheAt(clock);
    expect(await cache.resolve('late', async (key) => ({ ok: true, value: { name: key, expiresAt: 9_000 } }))).toEqual({ ok: true, value: { name: 'late', expiresAt: 9_000 } });
    expect(cache.size).toBe(0);
  });

  it('stays within its bound: by count (LRU) or by size', async () => {
    const clock = { now: 0 };
    const accept = async (key: string): Promise<Verdict<Pass>> => ({ ok: true, value: { name: key, expiresAt: 60_000 } });
    const byCount = cacheAt(clock, { max: 3 });
    for (const k of ['a', 'b', 'c']) await byCount.resolve(k, accept);
    expect(byCount.cached('a')?.ok).toBe(true); // a is now the most recently used
    await byCount.resolve('d', accept);
    expect(byCount.size).toBe(3);
    expect(byCount.cached('b')).toBeUndefined();
    expect(byCount.cached('a')?.ok).toBe(true);
    const bySize = cacheAt(clock, { maxSize: 10 });
    for (const k of ['aaaa', 'bbbb', 'cccc']) await bySize.resolve(k, accept);
    expect(bySize.size).toBe(2);
    expect(bySize.cached('aaaa')).toBeUndefined();
    expect(() => new VerdictCache<Pass>({ maxSize: 10, expiresAt: (p) => p.expiresAt, expiredReason: () => '' })).toThrow(/needs sizeOf/);
  });

  it('answers a throwing evaluation with a rejected promise and forgets it', async () => {
    const cache = cacheAt({ now: 0 });
    await expect(cache.resolve('boom', async () => Promise.reject(new Error('keys unavailable')))).rejects.toThrow('keys unavailable');
    expect(cache.resolve('boom', async (key) => ({ ok: true, value: { name: key, expiresAt: 60_000 } }))).toBeInstanceOf(Promise);
  });
});
