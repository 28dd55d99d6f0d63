import { columnOf, type ComputeFn } from '@florin/qcu';
import type { SeriesFrame } from '@florin/core';
import { backtestKernel } from '../kernels/backtest.js';
import { portfolioStats } from './portfolio-stats.js';

const TRADING_DAYS = 252;

/** The job result of the momentum unit's final step. Non-finite statistics are null (JSON has no NaN). */
export type BacktestResult = {
  portfolio: string;
  quantile: number;
  symbols: number;
  /** Month-end rebalances from the first one that took positions. */
  rebalances: number;
  days: number;
  /** First and last date of the return series (epoch ms), null when empty. */
  start: number | null;
  end: number | null;
  totalReturn: number | null;
  annualisedReturn: number | null;
  annualisedVolatility: number | null;
  sharpe: number | null;
  maxDrawdown: number | null;
  /** The portfolio's daily returns. */
  returns: { timestamps: number[]; values: number[] };
};

export const PORTFOLIO_DESCRIPTION =
  'monthly rebalanced, equal-weight long top quantile / short bottom quantile of 12-1 momentum; constant weights between rebalances';

/**
 * Backtests the momentum signal of `frames` (one per symbol, universe order,
 * fields momentum and ret as published by the momentum unit) on a worker
 * thread and summarises the portfolio's daily returns.
 */
export async function runBacktest(frames: readonly SeriesFrame[], params: { quantile: number }, compute: ComputeFn): Promise<BacktestResult> {
  const inputs: Float64Array[] = [];
  for (const f of frames) inputs.push(f.timestamps, columnOf(f, 'momentum'), columnOf(f, 'ret'));
  const [dates, returns, rebalances] = await compute(backtestKernel, inputs, { quantile: params.quantile });
  const stats = portfolioStats(returns!, TRADING_DAYS);
  const n = dates!.length;
  return {
    portfolio: PORTFOLIO_DESCRIPTION,
    quantile: params.quantile,
    symbols: frames.length,
    rebalances: rebalances!.length,
    days: n,
    start: n > 0 ? dates![0]! : null,
    end: n > 0 ? dates![n - 1]! : null,
    totalReturn: finite(stats.totalReturn),
    annualisedReturn: finite(stats.annualisedReturn),
    annualisedVolatility: finite(stats.annualisedVolatility),
    sharpe: finite(stats.sharpe),
    maxDrawdown: finite(stats.maxDrawdown),
    returns: { timestamps: Array.from(dates!), values: Array.from(returns!) },
  };
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
