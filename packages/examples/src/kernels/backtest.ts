import { defineKernel } from '@florin/qcu';

export interface BacktestKernelParams {
  /** Fraction of the ranked universe held long (top) and short (bottom), in (0, 0.5]. */
  quantile: number;
}

/**
 * A monthly-rebalanced long/short momentum portfolio.
 *
 * Inputs, three per symbol in universe order: timestamps, momentum, daily return
 * (the rows the momentum unit published). Outputs: [dates, returns, rebalances].
 *
 * - Dates: the sorted union of every symbol's timestamps.
 * - Rebalance: on the last date of each UTC calendar month (but not the last
 *   date of all, which has nothing after it to hold). The candidates are
 *   the symbols with a finite momentum on that date; with n of them and
 *   k = floor(n x quantile), the k highest are held long at +1/k each and the k
 *   lowest short at -1/k each (ties: earlier in universe order ranks higher).
 *   k = 0 holds nothing until the next rebalance.
 * - Holding: weights stay fixed from the day after a rebalance through the next
 *   rebalance date (constant weights: the book is reset to target daily).
 * - Daily return: sum over symbols in universe order of weight x that day's return,
 *   for symbols with a non-zero weight and a finite return that day (missing = 0).
 * - The return series starts the day after the first rebalance that takes
 *   positions; `rebalances` lists the dates of the rebalances from then on.
 * Self-contained: it travels to worker threads as source text.
 */
export const backtestKernel = defineKernel<BacktestKernelParams>('backtest', (inputs, params) => {
  const symbolCount = Math.floor(inputs.length / 3);
  let total = 0;
  for (let s = 0; s < symbolCount; s++) total += inputs[3 * s]!.length;
  const all = new Float64Array(total);
  for (let s = 0, at = 0; s < symbolCount; s++) {
    all.set(inputs[3 * s]!, at);
    at += inputs[3 * s]!.length;
  }
  all.sort();
  let dateCount = 0;
  for (let i = 0; i < total; i++) if (i === 0 || all[i] !== all[i - 1]) all[dateCount++] = all[i]!;
  const dates = all.subarray(0, dateCount);

  const monthOf = (t: number): number => {
    const d = new Date(t);
    return d.getUTCFullYear() * 12 + d.getUTCMonth();
  };
  const cursor = new Int32Array(symbolCount);
  const row = new Int32Array(symbolCount);
  const weight = new Float64Array(symbolCount);
  const outDates = new Float64Array(dateCount);
  const outReturns = new Float64Array(dateCount);
  const rebalances: number[] = [];
  let outCount = 0;
  let active = false;
  const order: number[] = [];
  for (let j = 0; j < dateCount; j++) {
    const t = dates[j]!;
    for (let s = 0; s < symbolCount; s++) {
      const ts = inputs[3 * s]!;
      row[s] = cursor[s]! < ts.length && ts[cursor[s]!] === t ? cursor[s]!++ : -1;
    }
    if (active) {
      let r = 0;
      for (let s = 0; s < symbolCount; s++) {
        if (weight[s] === 0 || row[s]! < 0) continue;
        const x = inputs[3 * s + 2]![row[s]!]!;
        if (x > -Infinity && x < Infinity) r += weight[s]! * x;
      }
      outDates[outCount] = t;
      outReturns[outCount++] = r;
    }
    // Rebalance on month ends, never on the last date (nothing left to hold).
    if (j === dateCount - 1 || monthOf(t) === monthOf(dates[j + 1]!)) continue;
    // Rank the symbols with a finite momentum today.
    order.length = 0;
    for (let s = 0; s < symbolCount; s++) {
      if (row[s]! < 0) continue;
      const m = inputs[3 * s + 1]![row[s]!]!;
      if (m > -Infinity && m < Infinity) order.push(s);
    }
    order.sort((a, b) => {
      const ma = inputs[3 * a + 1]![row[a]!]!;
      const mb = inputs[3 * b + 1]![row[b]!]!;
      return ma > mb ? -1 : ma < mb ? 1 : a - b;
    });
    const k = Math.floor(order.length * params.quantile);
    weight.fill(0);
    for (let q = 0; q < k; q++) {
      weight[order[q]!] = 1 / k;
      weight[order[order.length - 1 - q]!] = -1 / k;
    }
    if (k > 0) active = true;
    if (active) rebalances.push(t);
  }
  return [outDates.slice(0, outCount), outReturns.slice(0, outCount), Float64Array.from(rebalances)];
});
