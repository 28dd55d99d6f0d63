import { afterEach, describe, expect, it } from 'vitest';
import { FlorinError } from '@florin/core';
import { KernelPool, defineKernel } from '@florin/qcu';
import { momentumKernel } from '@florin/examples';
import { bits, dailyBars, utc } from '@florin/test-support';

/** Burns CPU on its thread for params.ms, then returns its input doubled. */
const burn = defineKernel<{ ms: number }>('burn', (inputs, params) => {
  const until = Date.now() + params.ms;
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  const out = new Float64Array(inputs[0]!.length);
  for (let i = 0; i < out.length; i++) out[i] = inputs[0]![i]! * 2 + (x < 0 ? 1 : 0);
  return [out];
});

const fail = defineKernel<null>('fail', () => {
  throw new RangeError('window larger than the series');
});

const leaky = defineKernel<null>('leaky', () => {
  // @ts-expect-error -- deliberately refers to a module variable, which a worker cannot see
  // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- that variable is undefined on purpose
  return [new Float64Array(notInScope)];
});

let pool: KernelPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('KernelPool', () => {
  it('keeps the event loop free while a kernel burns CPU for a second', async () => {
    pool = new KernelPool({ threads: 1 });
    const intervalMs = 20;
    let worstLateMs = 0;
    let ticks = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worstLateMs = Math.max(worstLateMs, now - last - intervalMs);
      last = now;
      ticks++;
    }, intervalMs);
    try {
      const started = performance.now();
      const [out] = await pool.run(burn, [Float64Array.of(1, 2, 3)], { ms: 1000 });
      const ticksWhileBurning = ticks;
      const elapsed = performance.now() - started;
      expect([...out!]).toEqual([2, 4, 6]);
      expect(elapsed).toBeGreaterThanOrEqual(1000);
      // A kernel on the loop's thread would let no timer run before it returned; here the 20 ms timer kept
      // firing through the burn (counted, not timed, so a loaded machine's scheduling noise cannot fail it).
      expect(ticksWhileBurning, `worst lateness ${worstLateMs.toFixed(0)} ms`).toBeGreaterThanOrEqual(10);
    } finally {
      clearInterval(timer);
    }
  });

  it('computes the same bits on a worker thread as inline, and leaves the caller\'s inputs intact', async () => {
    pool = new KernelPool({ threads: 2 });
    const closes = [1, 2, 3].map((s) => dailyBars(`X${s}`, utc(2015), utc(2020), s).columns[0]!);
    const copy = closes.map((c) => c.slice());
    const threaded = await pool.run(momentumKernel, closes, { lookback: 252, skip: 21 });
    const inline = await new KernelPool({ threads: 0 }).run(momentumKernel, closes, { lookback: 252, skip: 21 });
    expect(threaded.map(bits)).toEqual(inline.map(bits));
    expect(closes.map(bits)).toEqual(copy.map(bits));
  });

  it('warm() starts every thread before the first run; idempotent; a no-op once closed', async () => {
    pool = new KernelPool({ threads: 2 });
    expect(pool.stats().threads).toBe(0);
    pool.warm();
    pool.warm();
    expect(pool.stats()).toEqual({ threads: 2, busy: 0, queued: 0 });
    const [out] = await pool.run(burn, [Float64Array.of(4)], { ms: 1 });
    expect([...out!]).toEqual([8]);
    expect(pool.stats().threads).toBe(2);
    await pool.close();
    pool.warm();
    expect(pool.stats().threads).toBe(0);
    const inline = new KernelPool({ threads: 0 });
    inline.warm();
    expect(inline.stats().threads).toBe(0);
    await inline.close();
  });

  it('runs at most `threads` kernels at once and queues the rest in order', async () => {
    pool = new KernelPool({ threads: 2 });
    const runs = [0, 1, 2, 3, 4].map((i) => pool!.run(burn, [Float64Array.of(i)], { ms: 30 }));
    expect(pool.stats()).toEqual({ threads: 2, busy: 2, queued: 3 });
    const results = await Promise.all(runs);
    expect(results.map((r) => r[0]![0])).toEqual([0, 2, 4, 6, 8]);
    expect(pool.stats()).toEqual({ threads: 2, busy: 0, queued: 0 });
  });

  it('reports a kernel error with its message and the worker stack, and keeps the thread', async () => {
    pool = new KernelPool({ threads: 1 });
    const err = (await pool.run(fail, [], null).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('RangeError');
    expect(err.message).toBe('kernel fail failed: window larger than the series');
    expect(err.stack).toMatch(/at /);
    const leak = (await pool.run(leaky, [], null).catch((e: unknown) => e)) as Error;
    expect(leak.name).toBe('ReferenceError');
    expect(leak.message).toMatch(/notInScope is not defined/);
    expect((await pool.run(burn, [Float64Array.of(5)], { ms: 0 }))[0]![0]).toBe(10);
    expect(pool.stats().threads).toBe(1);
  });

  it('cancels a running CPU-bound kernel by terminating its thread, and a queued one by dropping it', async () => {
    pool = new KernelPool({ threads: 1 });
    const running = new AbortController();
    const queued = new AbortController();
    const slow = pool.run(burn, [Float64Array.of(1)], { ms: 10_000 }, { signal: running.signal });
    const waiting = pool.run(burn, [Float64Array.of(1)], { ms: 0 }, { signal: queued.signal });
    queued.abort(new FlorinError('CANCELLED', 'task cancelled'));
    await expect(waiting).rejects.toThrow('task cancelled');
    const started = Date.now();
    setTimeout(() => running.abort(new FlorinError('CANCELLED', 'lease lost')), 50);
    await expect(slow).rejects.toThrow('lease lost');
    // Rejected long before the 10 s kernel could have finished, and the thread is free again (below).
    expect(Date.now() - started).toBeLessThan(10_000);
    // A fresh thread replaces the terminated one.
    expect((await pool.run(burn, [Float64Array.of(4)], { ms: 0 }))[0]![0]).toBe(8);
  });

  it('close() rejects queued and running kernels, is idempotent, and refuses new runs', async () => {
    pool = new KernelPool({ threads: 1 });
    const a = pool.run(burn, [Float64Array.of(1)], { ms: 10_000 });
    const b = pool.run(burn, [Float64Array.of(1)], { ms: 0 });
    const rejected = Promise.all([expect(a).rejects.toThrow(/closed/), expect(b).rejects.toThrow(/closed/)]);
    await Promise.all([pool.close(), pool.close()]);
    await rejected;
    await expect(pool.run(burn, [], { ms: 0 })).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect(pool.state).toBe('closed');
  });

  it('rejects kernels whose source cannot stand alone, and bad options', () => {
    const method = { k(inputs: Float64Array[]) { return inputs; } };
    expect(() => defineKernel('method', method.k)).toThrow(/does not compile on its own/);
    expect(() => new KernelPool({ threads: -1 })).toThrow(/threads must be an integer >= 0/);
  });
});
