import { describe, expect, it } from 'vitest';
import { publishableRows } from '../src/series.js';

const DAY = 86_400_000;

function bits(values: Float64Array): string[] {
  return Array.from(new BigUint64Array(values.buffer, values.byteOffset, values.length), (b) => b.toString(16));
}

describe('publishableRows', () => {
  it('keeps the rows in range with at least one defined value, bit for bit', () => {
    const n = 12;
    const timestamps = Float64Array.from({ length: n }, (_, i) => i * DAY);
    const a = Float64Array.from({ length: n }, (_, i) => i + 0.5);
    const b = Float64Array.from({ length: n }, (_, i) => -i);
    // Rows 0-2: warm-up (both NaN); row 5: only a is NaN (kept); rows 7-8: both NaN (dropped); row 9: b is a NaN with a payload, a is -0.
    for (const i of [0, 1, 2, 7, 8]) a[i] = b[i] = Number.NaN;
    a[5] = Number.NaN;
    new DataView(b.buffer).setBigUint64(9 * 8, 0x7ff8000000000abcn, true);
    a[9] = -0;
    // [1 day, 11 days): row 0 and row 11 are out of range.
    const frame = publishableRows('AAPL', ['a', 'b'], timestamps, [a, b], { start: DAY, end: 11 * DAY });
    const kept = [3, 4, 5, 6, 9, 10];
    expect(frame.symbol).toBe('AAPL');
    expect(frame.fields).toEqual(['a', 'b']);
    expect(Array.from(frame.timestamps)).toEqual(kept.map((i) => i * DAY));
    expect(bits(frame.columns[0]!)).toEqual(bits(Float64Array.from(kept, (i) => a[i]!)));
    expect(bits(frame.columns[1]!)).toEqual(kept.map((i) => new DataView(b.buffer).getBigUint64(i * 8, true).toString(16)));
    expect(Object.is(frame.columns[0]![4], -0)).toBe(true);
    // Fresh arrays: the kernel's output is not shared.
    expect(frame.columns[0]!.buffer).not.toBe(a.buffer);
  });

  it('answers an empty frame when nothing in range is defined, and every row when all are', () => {
    const timestamps = Float64Array.of(0, DAY, 2 * DAY);
    const none = publishableRows('X', ['a'], timestamps, [Float64Array.of(Number.NaN, Number.NaN, Number.NaN)], { start: 0, end: 3 * DAY });
    expect(none.timestamps.length).toBe(0);
    expect(none.columns[0]!.length).toBe(0);
    const all = publishableRows('X', ['a'], timestamps, [Float64Array.of(1, 2, 3)], { start: 0, end: 3 * DAY });
    expect(Array.from(all.timestamps)).toEqual([0, DAY, 2 * DAY]);
    expect(Array.from(all.columns[0]!)).toEqual([1, 2, 3]);
  });
});
