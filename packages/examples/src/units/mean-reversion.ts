import { readHistory, defineUnit, columnOf, publishAll, publishableRows, type ComputeFn } from '@florin/qcu';
import type { SeriesFrame, TimeRange } from '@florin/core';
import { zscoreKernel } from '../kernels/zscore.js';

export const ZSCORE_FIELDS = ['zscore', 'mean', 'std'] as const;

/** Z-score, rolling mean and rolling std per symbol over `range`, from frames with window - 1 rows of history before it. */
export async function computeZScore(
  frames: readonly SeriesFrame[],
  range: TimeRange,
  params: { window: number; field: string },
  compute: ComputeFn,
): Promise<SeriesFrame[]> {
  const outputs = await compute(zscoreKernel, frames.map((f) => columnOf(f, params.field)), { window: params.window });
  return frames.map((f, s) => publishableRows(f.symbol, ZSCORE_FIELDS, f.timestamps, outputs.slice(3 * s, 3 * s + 3), range));
}

/** Mean reversion: how many rolling standard deviations today's close is from its rolling mean. */
export const meanReversionUnit = defineUnit({
  name: 'mean_reversion',
  version: '1.0.0',
  description: 'z-score of close against its rolling mean and sample std over `window` days',
  params: {
    window: { type: 'integer', minimum: 2, maximum: 5000, default: 20, description: 'rows in the rolling window, today included' },
    field: { type: 'string', minLength: 1, maxLength: 63, default: 'close', description: 'price field of the input dataset' },
  },
  output: { dataset: 'mean_reversion_zscore', fields: ZSCORE_FIELDS, frequency: '1d' },
  async run(ctx, task) {
    const { params } = ctx;
    const frames = await readHistory(ctx.data, { dataset: task.dataset, symbols: task.symbols, fields: [params.field], range: task.range, bars: params.window - 1 });
    const rows = await publishAll(ctx, await computeZScore(frames, task.range, params, ctx.compute));
    return { symbols: frames.length, rows };
  },
});
