/** A job's result as the results page draws it. */
export interface ResultView {
  jobId: string;
  unit: string;
  /** The final step's result without its long series. */
  summary: Record<string, unknown> | null;
  /** For a result with daily returns (the momentum backtest): the compounded equity curve and its drawdown. */
  equity: { timestamps: number[]; equity: number[]; drawdown: number[]; sharpe: number | null; maxDrawdown: number | null } | null;
}

interface ReturnsResult {
  returns: { timestamps: number[]; values: number[] };
  sharpe?: number | null;
  maxDrawdown?: number | null;
}

function hasReturns(value: unknown): value is ReturnsResult {
  if (typeof value !== 'object' || value === null) return false;
  const r = (value as { returns?: unknown }).returns;
  if (typeof r !== 'object' || r === null) return false;
  const { timestamps, values } = r as { timestamps?: unknown; values?: unknown };
  return Array.isArray(timestamps) && Array.isArray(values) && timestamps.length === values.length;
}

/** Equity (starting at 1, compounded daily) and drawdown (fall from the running peak, a positive fraction) of daily returns. */
export function equityCurve(returns: readonly number[]): { equity: number[]; drawdown: number[] } {
  const equity: number[] = [];
  const drawdown: number[] = [];
  let value = 1;
  let peak = 1;
  for (const r of returns) {
    value *= 1 + r;
    if (value > peak) peak = value;
    equity.push(value);
    drawdown.push(1 - value / peak);
  }
  return { equity, drawdown };
}

export function resultView(jobId: string, unit: string, result: unknown): ResultView {
  if (result === undefined) return { jobId, unit, summary: null, equity: null };
  if (!hasReturns(result)) {
    return { jobId, unit, summary: typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : { value: result }, equity: null };
  }
  const { returns, ...summary } = result as ReturnsResult & Record<string, unknown>;
  const curve = equityCurve(returns.values);
  return {
    jobId,
    unit,
    summary,
    equity: { timestamps: returns.timestamps, ...curve, sharpe: result.sharpe ?? null, maxDrawdown: result.maxDrawdown ?? null },
  };
}
