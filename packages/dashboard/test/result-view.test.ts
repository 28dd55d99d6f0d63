import { describe, expect, it } from 'vitest';
import { equityCurve } from '../src/result-view.js';

describe('equityCurve', () => {
  it('compounds daily returns from 1 and measures the fall from the running peak', () => {
    const { equity, drawdown } = equityCurve([0.1, -0.5, 0.5, 1]);
    expect(equity).toEqual([1.1, 0.55, 0.8250000000000001, 1.6500000000000001]);
    expect(drawdown).toEqual([0, 0.5, 0.25, 0]);
  });
});
