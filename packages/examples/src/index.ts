// Example units (momentum with its backtest, mean reversion, volatility), their kernels, and plain-loop
// reference implementations that tests and benchmarks check the units against.
export { momentumKernel, type MomentumKernelParams } from './kernels/momentum.js';
export { zscoreKernel, type ZScoreKernelParams } from './kernels/zscore.js';
export { volatilityKernel, type VolatilityKernelParams } from './kernels/volatility.js';
export { backtestKernel, type BacktestKernelParams } from './kernels/backtest.js';
export { momentumUnit, computeMomentum, MOMENTUM_FIELDS, type MomentumParams } from './units/momentum.js';
export { meanReversionUnit, computeZScore, ZSCORE_FIELDS } from './units/mean-reversion.js';
export { volatilityUnit, computeVolatility, VOLATILITY_FIELDS } from './units/volatility.js';
export { runBacktest, type BacktestResult, PORTFOLIO_DESCRIPTION } from './units/backtest.js';
export { portfolioStats, type PortfolioStats } from './units/portfolio-stats.js';
export { type ClosePoint, type ReferenceRow, toPoints } from './reference/points.js';
export { referenceMomentum } from './reference/momentum.js';
export { referenceZScore } from './reference/zscore.js';
export { referenceVolatility } from './reference/volatility.js';
export { referenceBacktest, referenceStats, type SignalRow, type ReferencePortfolio, type ReferenceStats } from './reference/backtest.js';
export { default as EXAMPLE_UNITS } from './example-units.js';
