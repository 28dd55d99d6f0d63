import { defineKernel } from '@florin/qcu';

export interface VolatilityKernelParams {
  /** Daily log returns in the rolling window, today's included. */
  window: number;
  /** Periods per year, for annualising (252 trading days). */
  periodsPerYear: number;
}

/**
 * Rolling volatility, per symbol. Inputs: one close series per symbol.
 * Output, one per symbol: vol[i] = sqrt(periodsPerYear) x the sample standard
 * deviation (divisor window - 1) of the log returns r[j] = ln(close[j] / close[j - 1])
 * for j in i - window + 1 .. i. Sums run oldest to newest. NaN when the window
 * is incomplete or a close it needs is missing, not finite or not positive
 * (or a ratio of two closes overflows).
 * Self-contained: it travels to worker threads as source text.
 */
export const volatilityKernel = defineKernel<VolatilityKernelParams>('volatility', (inputs, params) => {
  const w = params.window;
  const scale = Math.sqrt(params.periodsPerYear);
  const outputs: Float64Array[] = [];
  for (const close of inputs) {
    const n = close.length;
    const logReturn = new Float64Array(n).fill(NaN);
    for (let j = 1; j < n; j++) {
      const a = close[j - 1]!;
      const b = close[j]!;
      const ratio = b / a;
      if (a > 0 && b > 0 && a < Infinity && b < Infinity && ratio < Infinity) logReturn[j] = Math.log(ratio);
    }
    const vol = new Float64Array(n).fill(NaN);
    for (let i = w; i < n; i++) {
      let sum = 0;
      for (let j = i - w + 1; j <= i; j++) sum += logReturn[j]!;
      if (Number.isNaN(sum)) continue;
      const m = sum / w;
      let squares = 0;
      for (let j = i - w + 1; j <= i; j++) {
        const d = logReturn[j]! - m;
        squares += d * d;
      }
      vol[i] = Math.sqrt(squares / (w - 1)) * scale;
    }
    outputs.push(vol);
  }
  return outputs;
});
