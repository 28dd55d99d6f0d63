import { describe, expect, it } from 'vitest';
import { WriteOverlap } from '../src/write-overlap.js';

describe('WriteOverlap', () => {
  it('a write with no other write of its keys in flight ran alone', () => {
    const overlap = new WriteOverlap();
    const w = overlap.begin(['d\u0000A', 'd\u0000B', 'd\u0000A']);
    expect([...overlap.end(w)].sort()).toEqual(['d\u0000A', 'd\u0000B']);
    // Later writes are not compared with ended ones.
    expect([...overlap.end(overlap.begin(['d\u0000A']))]).toEqual(['d\u0000A']);
  });

  it('two writes of a key in flight together: neither ran alone, whatever order they end in', () => {
    for (const firstEnds of [true, false]) {
      const overlap = new WriteOverlap();
      const w1 = overlap.begin(['k1', 'k2']);
      const w2 = overlap.begin(['k2', 'k3']);
      const [a, b] = firstEnds ? [w1, w2] : [w2, w1];
      const endedFirst = overlap.end(a);
      const endedLast = overlap.end(b);
      expect([...(firstEnds ? endedFirst : endedLast)]).toEqual(['k1']);
      expect([...(firstEnds ? endedLast : endedFirst)]).toEqual(['k3']);
    }
  });

  it('a write that began and ended while another ran makes the other not alone', () => {
    const overlap = new WriteOverlap();
    const long = overlap.begin(['k']);
    overlap.end(overlap.begin(['k']));
    expect(overlap.end(long).size).toBe(0);
  });
});
