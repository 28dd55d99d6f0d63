import { describe, expect, it } from 'vitest';
import { PrefetchGauge } from '../src/runtime/prefetch-gauge.js';

describe('PrefetchGauge', () => {
  it('a fixed prefetch stays fixed', () => {
    const gauge = new PrefetchGauge(3, 4, 16);
    gauge.taskRan(0.001);
    gauge.roundTrip(50);
    expect(gauge.prefetch).toBe(3);
  });

  it('auto: none until both a task run and a round trip were measured', () => {
    const gauge = new PrefetchGauge('auto', 4, 16);
    expect(gauge.prefetch).toBe(0);
    gauge.taskRan(0.01);
    expect(gauge.prefetch).toBe(0);
  });

  it('auto: enough waiting tasks per slot to cover one round trip, at most the most; none for long tasks', () => {
    const gauge = new PrefetchGauge('auto', 4, 16);
    gauge.roundTrip(2);
    gauge.taskRan(1); // 2 tasks per slot per round trip
    expect(gauge.prefetch).toBe(8);
    const short = new PrefetchGauge('auto', 4, 16);
    short.roundTrip(2);
    short.taskRan(0); // no-op tasks: capped at the most
    expect(short.prefetch).toBe(16);
    const long = new PrefetchGauge('auto', 4, 16);
    long.roundTrip(2);
    long.taskRan(60_000); // minute-long tasks: no waiting task, so another worker's idle slot can take it
    expect(long.prefetch).toBe(0);
    const edge = new PrefetchGauge('auto', 4, 16);
    edge.roundTrip(2);
    edge.taskRan(9); // 4 x 2 / 9 < 1: a round trip idle per task is under a quarter of it
    expect(edge.prefetch).toBe(0);
  });

  it('auto: follows a change of pace (moving averages)', () => {
    const gauge = new PrefetchGauge('auto', 4, 64);
    gauge.roundTrip(1);
    gauge.taskRan(1_000);
    expect(gauge.prefetch).toBe(0);
    for (let i = 0; i < 60; i++) gauge.taskRan(0.1);
    expect(gauge.prefetch).toBe(39);
  });
});
