import { describe, expect, it } from 'vitest';
import { Backoff, FlorinError, backoffDelayMs, sleep, sleepUnlessAborted } from '@florin/core';

describe('Backoff', () => {
  it('doubles from initialMs up to maxMs, and starts over after reset()', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 2_000 });
    expect(Array.from({ length: 7 }, () => b.next())).toEqual([100, 200, 400, 800, 1_600, 2_000, 2_000]);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('with jitter draws each delay from [d/2, d)', () => {
    const low = new Backoff({ initialMs: 25, maxMs: 1_000, multiplier: 3, jitter: true }, () => 0);
    expect([low.next(), low.next(), low.next(), low.next()]).toEqual([12.5, 37.5, 112.5, 337.5]);
    const high = new Backoff({ initialMs: 25, maxMs: 1_000, jitter: true }, () => 0.5);
    expect([high.next(), high.next()]).toEqual([18.75, 37.5]);
  });

  it('backoffDelayMs caps the exponent (no overflow to NaN or Infinity)', () => {
    expect(backoffDelayMs({ initialMs: 1_000, maxMs: 600_000 }, 0)).toBe(1_000);
    expect(backoffDelayMs({ initialMs: 1_000, maxMs: 600_000 }, 5_000)).toBe(600_000);
    expect(backoffDelayMs({ initialMs: 0, maxMs: 600_000 }, 5_000)).toBe(0);
    expect(backoffDelayMs({ initialMs: 1_000, maxMs: 600_000 }, -1)).toBe(1_000);
  });
});

describe('sleep', () => {
  it('waits, and rejects with the signal reason as soon as it fires', async () => {
    const started = Date.now();
    await sleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const controller = new AbortController();
    const reason = new FlorinError('CANCELLED', 'stop');
    setTimeout(() => controller.abort(reason), 20);
    const at = Date.now();
    await expect(sleep(10_000, controller.signal)).rejects.toBe(reason);
    // Far below the 10 s sleep, far above a loaded machine's timer lag.
    expect(Date.now() - at).toBeLessThan(5_000);
    await expect(sleep(10, controller.signal)).rejects.toBe(reason);
  });

  it('sleepUnlessAborted resolves early instead', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 20);
    const at = Date.now();
    await expect(sleepUnlessAborted(10_000, controller.signal)).resolves.toBeUndefined();
    expect(Date.now() - at).toBeLessThan(5_000);
  });
});
