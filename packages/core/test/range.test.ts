import { describe, expect, it } from 'vitest';
import { normalizeRanges, subtractRanges, validateRange, alignOutward, FlorinError } from '@florin/core';

describe('ranges', () => {
  it('merges overlapping and adjacent ranges', () => {
    expect(normalizeRanges([{ start: 5, end: 8 }, { start: 0, end: 3 }, { start: 3, end: 4 }, { start: 7, end: 10 }])).toEqual([
      { start: 0, end: 4 },
      { start: 5, end: 10 },
    ]);
  });

  it('subtracts covered parts and keeps the gaps', () => {
    const have = normalizeRanges([{ start: 10, end: 20 }, { start: 30, end: 40 }]);
    expect(subtractRanges({ start: 0, end: 50 }, have)).toEqual([
      { start: 0, end: 10 },
      { start: 20, end: 30 },
      { start: 40, end: 50 },
    ]);
    expect(subtractRanges({ start: 12, end: 18 }, have)).toEqual([]);
    expect(subtractRanges({ start: 15, end: 35 }, have)).toEqual([{ start: 20, end: 30 }]);
  });

  it('rejects inverted and empty ranges as INVALID_ARGUMENT', () => {
    expect(() => validateRange({ start: 10, end: 5 })).toThrowError(/inverted/);
    expect(() => validateRange({ start: 10, end: 10 })).toThrowError(/empty/);
    try {
      validateRange({ start: 10, end: 5 });
    } catch (e) {
      expect((e as FlorinError).code).toBe('INVALID_ARGUMENT');
    }
  });

  it('aligns outward to a grid', () => {
    expect(alignOutward({ start: 15, end: 25 }, 10)).toEqual({ start: 10, end: 30 });
    expect(alignOutward({ start: 10, end: 20 }, 10)).toEqual({ start: 10, end: 20 });
  });
});
