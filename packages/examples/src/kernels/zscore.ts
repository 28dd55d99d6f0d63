import { defineKernel } from '@florin/qcu';

export interface ZScoreKernelParams {
  /** Rows in the rolling window, today included. */
  window: number;
}

/**
 * Mean-reversion z-score, per symbol. Inputs: one close series per symbol.
 * Outputs, three per symbol: zscore[i] = (close[i] - mean) / std, mean and std
 * over the window close[i - window + 1 .. i]; std is the sample standard
 * deviation (divisor window - 1). Sums run oldest to newest. NaN when the
 * window is incomplete, holds a non-finite close, or std is 0.
 * Self-contained: it travels to worker threads as source text.
 */
export const zscoreKernel = defineKernel<ZScoreKernelParams>('zscore', (inputs, params) => {
  const w = params.window;
  const outputs: Float64Array[] = [];
  for (const close of inputs) {
    const n = close.length;
    const zscore = new Float64Array(n).fill(NaN);
    const mean = new Float64Array(n).fill(NaN);
    const std = new Float64Array(n).fill(NaN);
    for (let i = w - 1; i < n; i++) {
      let sum = 0;
      let finite = true;
      for (let j = i - w + 1; j <= i; j++) {
        const x = close[j]!;
        if (!(x > -Infinity && x < Infinity)) finite = false;
        sum += x;
      }
      if (!finite) continue;
      const m = sum / w;
      let squares = 0;
      for (let j = i - w + 1; j <= i; j++) {
        const d = close[j]! - m;
        squares += d * d;
      }
      const s = Math.sqrt(squares / (w - 1));
      mean[i] = m;
      std[i] = s;
      if (s > 0) zscore[i] = (close[i]! - m) / s;
    }
    outputs.push(zscore, mean, std);
  }
  return outputs;
});
