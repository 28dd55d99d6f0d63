// A research unit: how far each day's close is above or below its trailing moving average.
// Run it on a local cluster:   node packages/cli/dist/main.js up --units examples/units/ma-gap.mjs
import { defineUnit, readHistory, columnOf, publishableRows } from '@florin/qcu';

export const maGap = defineUnit({
  name: 'ma_gap',
  version: '1.0.0',
  description: 'close / trailing mean of close over `window` days - 1',
  // Checked by the coordinator at submit: a bad value is INVALID_ARGUMENT before any task runs.
  params: { window: { type: 'integer', minimum: 2, maximum: 1000, default: 50 } },
  output: { dataset: 'ma_gap', fields: ['gap'], frequency: '1d' },
  async run(ctx, task) {
    const { window } = ctx.params;
    // `window` extra days before the task's range, so the first day in range has a full window.
    const frames = await readHistory(ctx.data, { dataset: task.dataset, symbols: task.symbols, fields: ['close'], range: task.range, bars: window });
    let rows = 0;
    for (const frame of frames) {
      const close = columnOf(frame, 'close');
      const gap = new Float64Array(close.length).fill(NaN);
      for (let i = window - 1; i < close.length; i++) {
        let sum = 0; // each window summed afresh, oldest first: the same bits wherever the read starts
        for (let j = i - window + 1; j <= i; j++) sum += close[j];
        gap[i] = close[i] / (sum / window) - 1;
      }
      // Only rows inside the task's range with a value; written through the owning head node.
      const out = publishableRows(frame.symbol, ['gap'], frame.timestamps, [gap], task.range);
      await ctx.publish(ctx.output.dataset, frame.symbol, out);
      rows += out.timestamps.length;
    }
    return { rows };
  },
});
