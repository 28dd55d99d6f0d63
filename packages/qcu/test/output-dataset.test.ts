import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineUnit } from '@florin/qcu';
import { startQcuCluster as startCluster, type QcuCluster } from '@florin/test-support';
import { universe, utc } from '@florin/test-support';

const range = { startMs: utc(2015), endMs: utc(2016) };

/** Returns a summary and publishes nothing. */
const counter = defineUnit({
  name: 'counter',
  version: '1',
  params: {},
  output: { dataset: 'never_written', fields: ['n'], frequency: '1d' },
  run(_ctx, task) {
    return { symbols: task.symbols.length };
  },
});

/** Publishes one row per symbol. */
const writer = defineUnit({
  name: 'writer',
  version: '1',
  params: {},
  output: { dataset: 'written_lazily', fields: ['n'], frequency: '1d' },
  async run(ctx, task) {
    for (const symbol of task.symbols) {
      await ctx.publish(ctx.output.dataset, symbol, { fields: ['n'], timestamps: Float64Array.of(task.range.start), columns: [Float64Array.of(task.index)] });
    }
  },
});

let cluster: QcuCluster;
beforeAll(async () => {
  cluster = await startCluster();
  await cluster.seed({ name: 'prices', fields: ['close'], frequency: '1d' }, universe(4, utc(2014), utc(2016), 4));
});
afterAll(() => cluster?.close());

describe('output datasets', () => {
  it('a unit that publishes nothing runs on a worker whose head nodes are unreachable, and its dataset is never created', async () => {
    const worker = await cluster.worker({ units: [counter], heads: ['127.0.0.1:1'] });
    const handle = await cluster.jobs.submit({ unit: 'counter', dataset: 'prices', symbols: ['S000', 'S001', 'S002'], ...range, taskSize: 2 });
    const job = await handle.wait();
    expect(job.state).toBe('succeeded');
    expect(worker.stats()).toMatchObject({ succeeded: 2, failed: 0 });
    const names = (await cluster.data.listDatasets()).map((d) => d.name);
    expect(names).not.toContain('never_written');
    await worker.close();
  });

  it('the output dataset is created before the first write', async () => {
    const worker = await cluster.worker({ units: [writer] });
    const handle = await cluster.jobs.submit({ unit: 'writer', dataset: 'prices', symbols: ['S000', 'S001', 'S002', 'S003'], ...range, taskSize: 1 });
    expect((await handle.wait()).state).toBe('succeeded');
    const frames = await cluster.data.read({ dataset: 'written_lazily', symbols: ['S000', 'S001', 'S002', 'S003'], range: { start: range.startMs, end: range.endMs } });
    expect(frames.map((f) => [...f.columns[0]!])).toEqual([[0], [1], [2], [3]]);
    await worker.close();
  });
});
