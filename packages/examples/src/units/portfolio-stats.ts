/** Summary statistics of a daily portfolio return series (risk-free rate 0). */
export interface PortfolioStats {
  days: number;
  /** Compounded return over the whole series. */
  totalReturn: number;
  /** (1 + totalReturn)^(periodsPerYear / days) - 1. */
  annualisedReturn: number;
  /** Sample std of daily returns x sqrt(periodsPerYear). */
  annualisedVolatility: number;
  /** Mean / sample std of daily returns x sqrt(periodsPerYear). NaN with fewer than 2 days or zero std. */
  sharpe: number;
  /** Largest fall of the compounded equity curve from its running peak, as a positive fraction. */
  maxDrawdown: number;
}

/** Statistics of `returns`, in one pass per quantity, summing oldest to newest. */
export function portfolioStats(returns: Float64Array, periodsPerYear: number): PortfolioStats {
  const n = returns.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += returns[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = returns[i]! - mean;
    squares += d * d;
  }
  const sd = Math.sqrt(squares / (n - 1));
  let equity = 1;
  let peak = 1;
  let maxDrawdown = 0;
  for (let i = 0; i < n; i++) {
    equity = equity * (1 + returns[i]!);
    if (equity > peak) peak = equity;
    const drawdown = 1 - equity / peak;
    if (drawdown > maxDrawdown) maxDrawdown = drawdown;
  }
  return {
    days: n,
    totalReturn: equity - 1,
    annualisedReturn: Math.pow(equity, periodsPerYear / n) - 1,
    annualisedVolatility: sd * Math.sqrt(periodsPerYear),
    sharpe: (mean / sd) * Math.sqrt(periodsPerYear),
    maxDrawdown,
  };
}
