import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lowerBound } from '@florin/core';
import { defineKernel, defineUnit, type TaskTimings } from '@florin/qcu';
import { startQcuCluster as startCluster, type QcuCluster } from '@florin/test-support';
import { universe, utc } from '@florin/test-support';

const range = { start: utc(2015), end: utc(2016) };
const FRAMES = universe(24, utc(2014), utc(2016), 7);

const doubled = defineKernel<Record<string, never>>('doubled', (inputs) => inputs.map((x) => x.map((v) => v * 2)));

/** Reads its symbols' closes once, doubles them on the pool, publishes them; the final step reads them back. */
const doubler = defineUnit({
  name: 'doubler',
  version: '1',
  params: {},
  output: { dataset: 'doubled', fields: ['x'], frequency: '1d' },
  async run(ctx, task) {
    const frames = await ctx.data.read({ dataset: task.dataset, symbols: task.symbols, fields: ['close'], range: task.range });
    const out = await ctx.compute(doubled, frames.map((f) => f.columns[0]!), {});
    for (const [s, f] of frames.entries()) await ctx.publish(ctx.output.dataset, f.symbol, { fields: ['x'], timestamps: f.timestamps, columns: [out[s]!] });
  },
  async final(ctx) {
    const frames = await ctx.readOutput();
    return frames.reduce((n, f) => n + f.timestamps.length, 0);
  },
});

let cluster: QcuCluster;
beforeAll(async () => {
  cluster = await startCluster();
  await cluster.seed({ name: 'prices', fields: ['close'], frequency: '1d' }, FRAMES);
});
afterAll(() => cluster?.close());

/** Rows of `symbol` inside the job's range. */
function rowsIn(symbol: string): number {
  const f = FRAMES.find((x) => x.symbol === symbol)!;
  return lowerBound(f.timestamps, range.end) - lowerBound(f.timestamps, range.start);
}

describe('task timings', () => {
  it('reports, per task and for the final step, its reads, kernel time, publishing and rows, with epoch-ms times in order', async () => {
    const timings: TaskTimings[] = [];
    await cluster.worker({ units: [doubler], onTaskTimings: (t) => timings.push(t) });
    const submittedAt = Date.now();
    const handle = await cluster.jobs.submit({ unit: 'doubler', dataset: 'prices', symbols: ['S000', 'S001', 'S002', 'S003'], startMs: range.start, endMs: range.end, taskSize: 2 });
    const job = await handle.wait();
    expect(job.state).toBe('succeeded');
    const total = ['S000', 'S001', 'S002', 'S003'].reduce((n, s) => n + rowsIn(s), 0);
    expect(job.result).toBe(total);

    const regular = timings.filter((t) => !t.final).sort((a, b) => a.taskId.localeCompare(b.taskId));
    const final = timings.filter((t) => t.final);
    expect(regular).toHaveLength(2);
    expect(final).toHaveLength(1);
    for (const t of [...regular, ...final]) {
      expect(t.jobId).toBe(job.jobId);
      expect(t.ok).toBe(true);
      expect(t.leasedAt).toBeGreaterThanOrEqual(submittedAt);
      expect(t.startedAt).toBeGreaterThanOrEqual(t.leasedAt);
      expect(t.endedAt).toBeGreaterThanOrEqual(t.startedAt);
      expect(t.reads).toBe(1);
      expect(t.readMs).toBeGreaterThan(0);
      expect(t.readMs + t.computeMs + t.publishMs).toBeLessThanOrEqual(t.runMs + 0.05);
    }
    const rowsOfTasks = regular.map((t) => t.rowsPublished).sort((a, b) => a - b);
    expect(rowsOfTasks).toEqual([rowsIn('S000') + rowsIn('S001'), rowsIn('S002') + rowsIn('S003')].sort((a, b) => a - b));
    expect(regular.reduce((n, t) => n + t.pointsRead, 0)).toBe(total);
    for (const t of regular) {
      expect(t.symbols).toBe(2);
      expect(t.computeMs).toBeGreaterThan(0);
      expect(t.publishMs).toBeGreaterThan(0);
    }
    expect(final[0]!.pointsRead).toBe(total);
    expect(final[0]!.rowsPublished).toBe(0);
    expect(final[0]!.computeMs).toBe(0);
    expect(final[0]!.startedAt).toBeGreaterThanOrEqual(Math.max(...regular.map((t) => t.endedAt)));
  });

  it("answers the final step's readOutput from what the tasks wrote through the heads: no row is read back from the shards", async () => {
    await cluster.worker({ units: [doubler] });
    const symbols = ['S010', 'S011', 'S012', 'S013'];
    // The inputs cached first, so that every point the heads fetch during the job would be the output's.
    await cluster.data.read({ dataset: 'prices', symbols, fields: ['close'], range });
    await cluster.data.stats(true);
    const submit = { unit: 'doubler', dataset: 'prices', symbols, startMs: range.start, endMs: range.end, taskSize: 2, outputDataset: 'doubled_fresh' };
    const job = await (await cluster.jobs.submit(submit)).wait();
    expect(job.state).toBe('succeeded');
    const total = symbols.reduce((n, s) => n + rowsIn(s), 0);
    expect(job.result).toBe(total);
    const stats = await cluster.data.stats();
    const sum = (pick: (h: (typeof stats)[number]) => unknown): number => stats.reduce((n, h) => n + Number(pick(h)), 0);
    expect(sum((h) => h.upstreamRequests)).toBe(0);
    expect(sum((h) => h.upstreamPoints)).toBe(0);
    // Each task's one write (its two symbols) was cached by the heads owning them.
    expect(sum((h) => h.writesCached)).toBeGreaterThanOrEqual(2);
    // What the cache answers is what the shards hold, value for value.
    const cached = await cluster.data.read({ dataset: 'doubled_fresh', symbols, fields: ['x'], range });
    const stored = await cluster.data.read({ dataset: 'doubled_fresh', symbols, fields: ['x'], range }, { coalesce: false });
    expect(cached).toEqual(stored);
    expect(sum((h) => h.upstreamRequests)).toBe(0);
    for (const f of cached) {
      const input = FRAMES.find((x) => x.symbol === f.symbol)!;
      const from = lowerBound(input.timestamps, range.start);
      expect(Array.from(f.columns[0]!)).toEqual(Array.from(input.columns[0]!.subarray(from, from + f.timestamps.length)).map((v) => v * 2));
    }
  });

  it('reads the output back from the shards when the output dataset held other rows in its chunks (nothing is cached as written)', async () => {
    await cluster.worker({ units: [doubler] });
    const symbols = ['S020', 'S021'];
    // Rows of the output a year before the job's range, in a chunk the job's writes also touch.
    await cluster.data.createDataset({ name: 'doubled_older', fields: ['x'], frequency: '1d' });
    const older = symbols.map((symbol) => ({ symbol, fields: ['x'], timestamps: Float64Array.of(range.start - 7 * 86_400_000), columns: [Float64Array.of(-1)] }));
    await cluster.data.write('doubled_older', ['x'], older);
    await cluster.data.stats(true);
    const submit = { unit: 'doubler', dataset: 'prices', symbols, startMs: range.start, endMs: range.end, taskSize: 1, outputDataset: 'doubled_older' };
    const job = await (await cluster.jobs.submit(submit)).wait();
    expect(job.state).toBe('succeeded');
    expect(job.result).toBe(rowsIn('S020') + rowsIn('S021'));
    const stats = await cluster.data.stats();
    expect(stats.reduce((n, h) => n + Number(h.writesCached), 0)).toBe(0);
    expect(stats.reduce((n, h) => n + Number(h.upstreamRequests), 0)).toBeGreaterThan(0);
  });
});
