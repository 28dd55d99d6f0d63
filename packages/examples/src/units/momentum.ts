import { readHistory, defineUnit, columnOf, publishAll, publishableRows, type ComputeFn } from '@florin/qcu';
import { invalidArgument, type SeriesFrame, type TimeRange } from '@florin/core';
import { momentumKernel } from '../kernels/momentum.js';
import { runBacktest } from './backtest.js';

export const MOMENTUM_FIELDS = ['momentum', 'ret'] as const;

export interface MomentumParams {
  lookback: number;
  skip: number;
  field: string;
}

/**
 * Momentum and daily return per symbol over `range`, from frames that carry at
 * least `lookback` rows of history before it (readHistory).
 */
export async function computeMomentum(frames: readonly SeriesFrame[], range: TimeRange, params: MomentumParams, compute: ComputeFn): Promise<SeriesFrame[]> {
  if (params.skip >= params.lookback) throw invalidArgument(`skip (${params.skip}) must be less than lookback (${params.lookback})`);
  const outputs = await compute(momentumKernel, frames.map((f) => columnOf(f, params.field)), { lookback: params.lookback, skip: params.skip });
  return frames.map((f, s) => publishableRows(f.symbol, MOMENTUM_FIELDS, f.timestamps, [outputs[2 * s]!, outputs[2 * s + 1]!], range));
}

/**
 * 12-1 momentum: the return from `lookback` to `skip` trading days ago, per
 * symbol and day, with the daily return alongside. Its final step backtests a
 * monthly long/short portfolio on the signal (see backtestKernel).
 */
export const momentumUnit = defineUnit({
  name: 'momentum',
  version: '1.0.0',
  description: '12-1 momentum (close[t-skip] / close[t-lookback] - 1) per symbol and day, and a monthly long/short backtest of it',
  params: {
    lookback: { type: 'integer', minimum: 2, maximum: 5000, default: 252, description: 'rows (trading days) back to the start of the return window' },
    skip: { type: 'integer', minimum: 0, maximum: 4999, default: 21, description: 'most recent rows left out; must be less than lookback' },
    field: { type: 'string', minLength: 1, maxLength: 63, default: 'close', description: 'price field of the input dataset' },
    quantile: { type: 'number', minimum: 0.01, maximum: 0.5, default: 0.1, description: 'fraction of the universe held long and short in the backtest' },
  },
  output: { dataset: 'momentum_12_1', fields: MOMENTUM_FIELDS, frequency: '1d' },
  async run(ctx, task) {
    const { params } = ctx;
    const frames = await readHistory(ctx.data, { dataset: task.dataset, symbols: task.symbols, fields: [params.field], range: task.range, bars: params.lookback });
    ctx.progress(0.5);
    const rows = await publishAll(ctx, await computeMomentum(frames, task.range, params, ctx.compute));
    return { symbols: frames.length, rows };
  },
  async final(ctx) {
    const frames = await ctx.readOutput({ fields: MOMENTUM_FIELDS });
    return runBacktest(frames, { quantile: ctx.params.quantile }, ctx.compute);
  },
});
