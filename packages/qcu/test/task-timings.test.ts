import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lowerBound } from '@florin/core';
import { defineKernel, defineUnit, type TaskTimings } from '@florin/qcu';
import { startQcuCluster as startCluster, type QcuCluster } from '@florin/test-support';
import { universe, utc } from '@florin/test-support';

const range = { start: utc(2015), end: utc(2016) };
const FRAMES = universe(4, utc(2014), utc(2016), 7);

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

  it("leaves no copy of the output in the heads' caches: the final step's readOutput goes straight to the shards", async () => {
    await cluster.worker({ units: [doubler] });
    const symbols = ['S000', 'S001', 'S002', 'S003'];
    const handle = await cluster.jobs.submit({ unit: 'doubler', dataset: 'prices', symbols, startMs: range.start, endMs: range.end, taskSize: 2 });
    const job = await handle.wait();
    expect(job.state).toBe('succeeded');
    const total = symbols.reduce((n, s) => n + rowsIn(s), 0);
    expect(job.result).toBe(total);
    const upstream = async (): Promise<number> => (await cluster.data.stats()).reduce((n, h) => n + Number(h.upstreamPoints), 0);
    // A researcher's read of the output afterwards misses (every point comes from the shards), then hits.
    const before = await upstream();
    const read = (): Promise<number> =>
      cluster.data.read({ dataset: 'doubled', symbols, fields: ['x'], range }).then((frames) => frames.reduce((n, f) => n + f.timestamps.length, 0));
    expect(await read()).toBe(total);
    const afterMiss = await upstream();
    expect(afterMiss - before).toBe(total);
    expect(await read()).toBe(total);
    expect(await upstream()).toBe(afterMiss);
  });
});
