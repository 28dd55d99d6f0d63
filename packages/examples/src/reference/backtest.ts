/** One row of the momentum unit's output, as the reference backtest reads it. */
export interface SignalRow {
  ts: number;
  momentum: number;
  ret: number;
}

export interface ReferencePortfolio {
  dates: number[];
  returns: number[];
  rebalances: number[];
}

/**
 * Reference monthly long/short momentum portfolio (the rules are those of
 * backtestKernel), written point by point with maps and plain objects.
 * `universe` fixes the symbol order (ranking ties and summation order).
 */
export function referenceBacktest(universe: readonly string[], signals: ReadonlyMap<string, SignalRow[]>, quantile: number): ReferencePortfolio {
  // date -> symbol -> row
  const byDate = new Map<number, Map<string, SignalRow>>();
  for (const symbol of universe) {
    for (const row of signals.get(symbol) ?? []) {
      if (!byDate.has(row.ts)) byDate.set(row.ts, new Map());
      byDate.get(row.ts)!.set(symbol, row);
    }
  }
  const dates = [...byDate.keys()].sort((a, b) => a - b);
  const month = (t: number): string => new Date(t).toISOString().slice(0, 7);
  const out: ReferencePortfolio = { dates: [], returns: [], rebalances: [] };
  let weights = new Map<string, number>();
  let invested = false;
  for (let j = 0; j < dates.length; j++) {
    const today = byDate.get(dates[j]!)!;
    if (invested) {
      let r = 0;
      for (const symbol of universe) {
        const w = weights.get(symbol) ?? 0;
        const row = today.get(symbol);
        if (w !== 0 && row && Number.isFinite(row.ret)) r += w * row.ret;
      }
      out.dates.push(dates[j]!);
      out.returns.push(r);
    }
    const isMonthEnd = j < dates.length - 1 && month(dates[j]!) !== month(dates[j + 1]!);
    if (!isMonthEnd) continue;
    const ranked = universe
      .map((symbol, index) => ({ symbol, index, momentum: today.get(symbol)?.momentum ?? NaN }))
      .filter((c) => Number.isFinite(c.momentum))
      .sort((a, b) => (a.momentum !== b.momentum ? (a.momentum > b.momentum ? -1 : 1) : a.index - b.index));
    const k = Math.floor(ranked.length * quantile);
    weights = new Map();
    for (let q = 0; q < k; q++) {
      weights.set(ranked[q]!.symbol, 1 / k);
      weights.set(ranked[ranked.length - 1 - q]!.symbol, -1 / k);
    }
    if (k > 0) invested = true;
    if (invested) out.rebalances.push(dates[j]!);
  }
  return out;
}

export interface ReferenceStats {
  days: number;
  totalReturn: number;
  annualisedReturn: number;
  annualisedVolatility: number;
  sharpe: number;
  maxDrawdown: number;
}

/** Reference portfolio statistics of daily returns (risk-free rate 0). */
export function referenceStats(returns: number[], periodsPerYear: number): ReferenceStats {
  const n = returns.length;
  let sum = 0;
  for (const r of returns) sum += r;
  const mean = sum / n;
  let squares = 0;
  for (const r of returns) squares += (r - mean) * (r - mean);
  const sd = Math.sqrt(squares / (n - 1));
  let equity = 1;
  let peak = 1;
  let maxDrawdown = 0;
  for (const r of returns) {
    equity = equity * (1 + r);
    peak = Math.max(peak, equity);
    maxDrawdown = Math.max(maxDrawdown, 1 - equity / peak);
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
