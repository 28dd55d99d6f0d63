import { describe, expect, it } from 'vitest';
import type { SeriesFrame } from '@florin/core';
import { DistinctPoints, LatencyRecorder, mergeGeneratorParts, type DriveTally, generatorPart, type LoadUniverse } from '@florin/cli';

/**
 * The merge behind `florin loadtest --fleet`: latency histograms add up to the
 * histogram of every latency (not an average of percentiles), and distinct
 * rows are the union of the generators' rows.
 */
const DAY = 86_400_000;
const universe: LoadUniverse = { dataset: 'bars', fields: ['close', 'volume'], symbols: ['AAA', 'BBB', 'CCC'], range: { start: 0, end: 100 * DAY }, barMs: DAY };

function frame(symbol: string, fromBar: number, toBar: number, offGrid: number[] = []): SeriesFrame {
  const timestamps = [...Array.from({ length: toBar - fromBar }, (_, i) => (fromBar + i) * DAY), ...offGrid];
  return { symbol, timestamps: Float64Array.from(timestamps), columns: [new Float64Array(timestamps.length), new Float64Array(timestamps.length)] } as unknown as SeriesFrame;
}

function tally(frames: SeriesFrame[], done: number): DriveTally {
  const distinct = new DistinctPoints(universe);
  distinct.add(frames);
  return { done, errors: 1, pointsServed: done * 10, elapsedMs: 1000, errorMessages: new Set([`UNAVAILABLE: ${done}`]), distinct, sampled: [] };
}

describe('the fleet load test merge', () => {
  it('merged latency percentiles are those of one histogram holding every latency', () => {
    const a = new LatencyRecorder();
    const b = new LatencyRecorder();
    const all = new LatencyRecorder();
    for (let ms = 1; ms <= 100; ms++) {
      a.record(ms);
      all.record(ms);
    }
    for (let ms = 101; ms <= 1000; ms += 3) {
      b.record(ms);
      all.record(ms);
    }
    const merged = new LatencyRecorder();
    merged.add(a.encode());
    merged.add(b.encode());
    const { maxMs, ...percentiles } = merged.summary();
    const { maxMs: trueMax, ...truePercentiles } = all.summary();
    expect(percentiles).toEqual(truePercentiles);
    // An added histogram knows its maximum to its resolution (3 significant digits), not exactly.
    expect(Math.abs(maxMs - trueMax) / trueMax).toBeLessThan(0.001);
    // Averaging the two generators' p50s would say 300 ms; the p50 of all 400 latencies is 398 ms.
    expect(percentiles.p50Ms).toBeGreaterThan(390);
    expect(() => merged.add('not a histogram')).toThrow(/not an encoded latency histogram/);
    for (const r of [a, b, all, merged]) r.destroy();
  });

  it('distinct rows are the union over the generators, off-grid rows included', () => {
    const g0 = [frame('AAA', 0, 50), frame('BBB', 10, 20, [5.5 * DAY])];
    const g1 = [frame('AAA', 40, 100), frame('CCC', 0, 3), frame('BBB', 15, 25, [5.5 * DAY, 7.25 * DAY])];
    const union = new DistinctPoints(universe);
    union.add([...g0, ...g1]);
    // AAA 100 + BBB 15 + 2 off-grid + CCC 3.
    expect(union.rows).toBe(120);
    const merged = new DistinctPoints(universe);
    merged.merge(tally(g0, 3).distinct.encode());
    merged.merge(tally(g1, 4).distinct.encode());
    merged.merge(tally(g1, 4).distinct.encode());
    expect({ rows: merged.rows, points: merged.points }).toEqual({ rows: 120, points: 240 });
  });

  it('sums the generators, unions their rows, and merges their histograms in one report', () => {
    const latency = (values: number[]): LatencyRecorder => {
      const r = new LatencyRecorder();
      for (const v of values) r.record(v);
      return r;
    };
    const l0 = latency([10, 20, 30]);
    const l1 = latency([40, 50, 60, 70]);
    const parts = [generatorPart(1, tally([frame('AAA', 40, 100)], 4), l1, 2_000), generatorPart(0, tally([frame('AAA', 0, 50)], 3), l0, 1_500)];
    const report = mergeGeneratorParts(JSON.parse(JSON.stringify(parts)) as unknown[], universe);
    expect(report).toMatchObject({
      generators: 2,
      requests: 7,
      errors: 2,
      errorMessages: ['UNAVAILABLE: 3', 'UNAVAILABLE: 4'],
      pointsServed: 70,
      startedMs: 1_500,
      endedMs: 3_000,
      elapsedMs: 1_500,
      distinctRows: 100,
      distinctPoints: 200,
    });
    expect(report.requestsPerSec).toBeCloseTo(7 / 1.5, 9);
    expect(report.latency.count).toBe(7);
    expect(report.latency.p50Ms).toBeCloseTo(40, 1);
    expect(report.parts.map((p) => [p.generator, p.requests])).toEqual([[0, 3], [1, 4]]);
    expect(() => mergeGeneratorParts([{ generator: 0 }], universe)).toThrow('load generator result 0 is not a generator part: requests is not a number');
    expect(() => mergeGeneratorParts([], universe)).toThrow('no load generator reported a result');
    l0.destroy();
    l1.destroy();
  });
});
