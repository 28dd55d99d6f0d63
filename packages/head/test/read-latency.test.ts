import { describe, expect, it } from 'vitest';
import { LATENCY_WINDOW, ReadLatency } from '../src/read-latency.js';

describe('ReadLatency (the p50/p99 of HeadStats)', () => {
  it('answers 0 before any read, then nearest-rank percentiles of the reads', () => {
    const latency = new ReadLatency();
    expect(latency.percentile(0.5)).toBe(0);
    for (let ms = 100; ms >= 1; ms--) latency.record(ms);
    expect(latency.percentile(0.5)).toBe(50);
    expect(latency.percentile(0.99)).toBe(99);
    expect(latency.percentile(1)).toBe(100);
  });

  it('keeps only the last LATENCY_WINDOW reads, and clear() forgets them', () => {
    const latency = new ReadLatency();
    for (let i = 0; i < LATENCY_WINDOW; i++) latency.record(1000);
    for (let i = 0; i < LATENCY_WINDOW; i++) latency.record(i % 2 === 0 ? 1 : 3);
    expect(latency.percentile(0.5)).toBe(1);
    expect(latency.percentile(0.99)).toBe(3);
    latency.clear();
    expect(latency.percentile(0.99)).toBe(0);
  });
});
