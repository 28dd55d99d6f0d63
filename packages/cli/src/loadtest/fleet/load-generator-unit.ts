import { invalidArgument } from '@florin/core';
import { defineUnit, type Json } from '@florin/qcu';
import { driveRequests } from '../drive.js';
import { LatencyRecorder } from '../latency.js';
import { LoadWorkload, type LoadUniverse } from '../workload.js';
import { generatorPart, mergeGeneratorParts } from './generator-part.js';

/** The load generator's unit name: what `florin loadtest --fleet` submits. */
export const LOAD_GENERATOR_UNIT = 'florin.load_generator';

/** How often a generator reports its progress (ctx.progress), ms. */
const PROGRESS_EVERY_MS = 1_000;

/**
 * A QCU as a load generator: each task of the job is one generator that
 * sends its share of the load test's seeded workload (requests g, g + G,
 * g + 2G, ... for generator g of G) through the head nodes, with `clients`
 * requests in flight, exactly as `florin loadtest` does from one process; its
 * result is what it measured (counts, an HDR latency histogram, the rows it
 * was answered). The final step merges every generator's result into one
 * report: sums, percentiles of the merged histogram, the union of rows.
 *
 * The job's dataset and range are the universe's; its symbols only make the
 * tasks (one symbol per task, task size 1): the symbols every generator
 * draws from are the `universe` param. It reads only: it publishes nothing,
 * so its output dataset is never created and a QCU needs no write grant.
 */
export const loadGeneratorUnit = defineUnit({
  name: LOAD_GENERATOR_UNIT,
  version: '1.0.0',
  description: 'load-tests the head nodes from the QCU fleet: each task one load generator, the final step one merged report',
  params: {
    universe: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 }, minItems: 1, maxItems: 100_000, uniqueItems: true, description: 'symbols requests draw from' },
    fields: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 63 }, minItems: 1, maxItems: 1000, uniqueItems: true, description: 'fields every request reads' },
    barMs: { type: 'integer', minimum: 1, description: "the dataset's bar width in ms (window bounds are whole bars)" },
    generators: { type: 'integer', minimum: 1, maximum: 100_000, description: 'tasks in the job (generator g sends requests g, g + generators, ...)' },
    clients: { type: 'integer', minimum: 1, maximum: 10_000, default: 50, description: 'requests in flight per generator' },
    requests: { type: 'integer', minimum: 0, default: 0, description: 'requests of the whole workload, over every generator (0: bounded by seconds only)' },
    seconds: { type: 'number', minimum: 0, maximum: 86_400, default: 0, description: 'stop starting requests after this many seconds (0: bounded by requests only)' },
    seed: { type: 'integer', default: 1, description: 'workload seed: the same seed sends the same requests as florin loadtest' },
    symbolsPerRequest: { type: 'integer', minimum: 1, maximum: 100_000, default: 10, description: 'distinct symbols per request' },
    minWindowBars: { type: 'integer', minimum: 1, default: 20, description: 'shortest window in bars' },
    deadlineMs: { type: 'integer', minimum: 1, maximum: 3_600_000, default: 60_000, description: 'deadline of each read' },
  },
  output: { dataset: 'florin_load_generator', fields: ['requests'], frequency: '1d' },
  async run(ctx, task) {
    const p = ctx.params;
    if (p.requests === 0 && p.seconds === 0) throw invalidArgument('give requests or seconds (or both): a load test needs a bound');
    if (task.index >= p.generators) throw invalidArgument(`task ${task.index} is beyond generators = ${p.generators}: submit one task per generator (task size 1, generators symbols)`);
    const workload = new LoadWorkload(universeOf(task.dataset, task.range, p), { symbolsPerRequest: p.symbolsPerRequest, minWindowBars: p.minWindowBars, seed: p.seed });
    const latency = new LatencyRecorder();
    try {
      const startedMs = Date.now();
      let reportedAt = 0;
      const tally = await driveRequests(
        {
          clients: p.clients,
          requests: p.requests > 0 ? p.requests : Infinity,
          seconds: p.seconds > 0 ? p.seconds : undefined,
          deadlineMs: p.deadlineMs,
          first: task.index,
          stride: p.generators,
          sampleEvery: undefined,
          signal: ctx.signal,
          onProgress: (progress) => {
            if (progress.elapsedMs - reportedAt < PROGRESS_EVERY_MS) return;
            reportedAt = progress.elapsedMs;
            const fraction = progress.total ? progress.done / progress.total : progress.limitMs ? progress.elapsedMs / progress.limitMs : 0;
            ctx.progress(Math.min(1, fraction));
          },
        },
        workload,
        (query, deadlineMs) => ctx.data.read(query, { deadlineMs }),
        latency,
      );
      ctx.signal.throwIfAborted();
      return generatorPart(task.index, tally, latency, startedMs) as unknown as Json;
    } finally {
      latency.destroy();
    }
  },
  final(_ctx, job) {
    return mergeGeneratorParts(
      job.parts.map((part) => part.result),
      universeOf(job.dataset, job.range, job.params),
    ) as unknown as Json;
  },
});

function universeOf(dataset: string, range: LoadUniverse['range'], p: { universe: readonly unknown[]; fields: readonly unknown[]; barMs: number }): LoadUniverse {
  return { dataset, symbols: p.universe as string[], fields: p.fields as string[], range, barMs: p.barMs };
}
