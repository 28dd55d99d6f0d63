import { defineKernel } from '@florin/qcu';

export interface MomentumKernelParams {
  /** Rows from the start of the return window to today (252: twelve months of trading days). */
  lookback: number;
  /** Most recent rows left out (21: one month), to step over short-term reversal. */
  skip: number;
}

/**
 * 12-1 momentum, per symbol. Inputs: one close series per symbol. Outputs, two
 * per symbol (in input order): momentum[i] = close[i - skip] / close[i - lookback] - 1
 * and the daily return ret[i] = close[i] / close[i - 1] - 1. A value is NaN
 * when a close it needs is missing, not finite or not positive.
 * Self-contained: it travels to worker threads as source text.
 */
export const momentumKernel = defineKernel<MomentumKernelParams>('momentum', (inputs, params) => {
  const { lookback, skip } = params;
  const outputs: Float64Array[] = [];
  for (const close of inputs) {
    const n = close.length;
    const momentum = new Float64Array(n).fill(NaN);
    const ret = new Float64Array(n).fill(NaN);
    for (let i = 1; i < n; i++) {
      const today = close[i]!;
      const yesterday = close[i - 1]!;
      if (today > 0 && yesterday > 0 && today < Infinity && yesterday < Infinity) ret[i] = today / yesterday - 1;
      if (i < lookback) continue;
      const recent = close[i - skip]!;
      const past = close[i - lookback]!;
      if (recent > 0 && past > 0 && recent < Infinity && past < Infinity) momentum[i] = recent / past - 1;
    }
    outputs.push(momentum, ret);
  }
  return outputs;
});
