import { readHistory, defineUnit, columnOf, publishAll, publishableRows, type ComputeFn } from '@florin/qcu';
import type { SeriesFrame, TimeRange } from '@florin/core';
import { volatilityKernel } from '../kernels/volatility.js';

export const VOLATILITY_FIELDS = ['volatility'] as const;

/** Annualised rolling volatility per symbol over `range`, from frames with `window` rows of history before it. */
export async function computeVolatility(
  frames: readonly SeriesFrame[],
  range: TimeRange,
  params: { window: number; periodsPerYear: number; field: string },
  compute: ComputeFn,
): Promise<SeriesFrame[]> {
  const outputs = await compute(volatilityKernel, frames.map((f) => columnOf(f, params.field)), {
    window: params.window,
    periodsPerYear: params.periodsPerYear,
  });
  return frames.map((f, s) => publishableRows(f.symbol, VOLATILITY_FIELDS, f.timestamps, [outputs[s]!], range));
}

/** Rolling volatility: annualised sample std of daily log returns over `window` days. */
export const volatilityUnit = defineUnit({
  name: 'rolling_volatility',
  version: '1.0.0',
  description: 'annualised sample std of daily log returns over `window` days',
  params: {
    window: { type: 'integer', minimum: 2, maximum: 5000, default: 21, description: 'daily log returns in the window' },
    periodsPerYear: { type: 'number', minimum: 1, maximum: 100_000, default: 252, description: 'annualisation factor (sqrt of it multiplies the std)' },
    field: { type: 'string', minLength: 1, maxLength: 63, default: 'close', description: 'price field of the input dataset' },
  },
  output: { dataset: 'rolling_volatility', fields: VOLATILITY_FIELDS, frequency: '1d' },
  async run(ctx, task) {
    const { params } = ctx;
    const frames = await readHistory(ctx.data, { dataset: task.dataset, symbols: task.symbols, fields: [params.field], range: task.range, bars: params.window });
    const rows = await publishAll(ctx, await computeVolatility(frames, task.range, params, ctx.compute));
    return { symbols: frames.length, rows };
  },
});
