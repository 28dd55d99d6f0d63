import { FlorinError, frequencyMs, invalidArgument, notFound, type SeriesFrame } from '@florin/core';
import { DistinctPoints } from './distinct-points.js';
import { LatencyRecorder } from './latency.js';
import { resolveLoadTestOptions, type LoadTestConfig, type LoadTestOptions } from './load-options.js';
import type { LoadTestResult, SampledAnswer } from './load-result.js';
import { connectLoadTarget, type LoadTarget } from './load-target.js';
import { LoadWorkload, type LoadUniverse } from './workload.js';

/** Distinct error messages a result keeps. */
const MAX_ERROR_MESSAGES = 5;

/**
 * Runs one load test: `clients` simulated QCU clients, each with one request
 * in flight, draw requests 0, 1, 2, ... of the seeded workload until the
 * request or time bound, through the heads (aggregating or not) or straight
 * to the shards. Head counters are reset at the start and read at the end, so
 * other traffic on the same heads meanwhile would be counted too. Failed
 * requests are counted, not retried; the run goes on.
 */
export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  const config = resolveLoadTestOptions(options);
  const workload = new LoadWorkload(config.universe, {
    symbolsPerRequest: config.symbolsPerRequest,
    minWindowBars: config.minWindowBars,
    seed: config.seed,
  });
  const target = connectLoadTarget(config.mode, config.addresses);
  const latency = new LatencyRecorder();
  try {
    await checkUniverse(target, config.universe, config.deadlineMs);
    const before = await target.stats(true);
    const run = await drive(config, workload, target, latency);
    const heads = await target.stats(false);
    const seconds = run.elapsedMs / 1000;
    const upstreamPoints = heads ? heads.upstreamPoints : run.pointsServed;
    const lookups = heads ? heads.cacheHits + heads.cachePartialHits + heads.cacheMisses : 0;
    return {
      mode: config.mode,
      target: target.description,
      dataset: config.universe.dataset,
      fields: config.universe.fields,
      universeSymbols: config.universe.symbols.length,
      symbolsPerRequest: workload.symbolsPerRequest,
      clients: config.clients,
      seed: config.seed,
      requests: run.done,
      errors: run.errors,
      errorMessages: [...run.errorMessages],
      elapsedMs: run.elapsedMs,
      requestsPerSec: seconds > 0 ? run.done / seconds : 0,
      pointsServed: run.pointsServed,
      pointsPerSec: seconds > 0 ? run.pointsServed / seconds : 0,
      latency: latency.summary(),
      distinctPoints: run.distinct.points,
      upstreamPoints,
      amplification: run.distinct.points > 0 ? upstreamPoints / run.distinct.points : null,
      hitRatio: heads && lookups > 0 ? heads.cacheHits / lookups : null,
      heads,
      cacheBytesAtStart: before?.cacheBytes,
      sampled: run.sampled,
    };
  } finally {
    latency.destroy();
    target.close();
  }
}

interface RunTally {
  done: number;
  errors: number;
  pointsServed: number;
  elapsedMs: number;
  readonly errorMessages: Set<string>;
  readonly distinct: DistinctPoints;
  readonly sampled: SampledAnswer[];
}

async function drive(config: LoadTestConfig, workload: LoadWorkload, target: LoadTarget, latency: LatencyRecorder): Promise<RunTally> {
  const tally: RunTally = {
    done: 0,
    errors: 0,
    pointsServed: 0,
    elapsedMs: 0,
    errorMessages: new Set(),
    distinct: new DistinctPoints(config.universe),
    sampled: [],
  };
  const limitMs = config.seconds === undefined ? undefined : config.seconds * 1000;
  const total = Number.isFinite(config.requests) ? config.requests : undefined;
  const started = performance.now();
  let next = 0;
  const client = async (): Promise<void> => {
    for (;;) {
      if (limitMs !== undefined && performance.now() - started >= limitMs) return;
      const i = next++;
      if (i >= config.requests) return;
      const query = workload.query(i);
      const t0 = performance.now();
      try {
        const frames = await target.read(query, config.deadlineMs);
        latency.record(performance.now() - t0);
        tally.pointsServed += pointsOf(frames);
        tally.distinct.add(frames);
        if (config.sampleEvery !== undefined && i % config.sampleEvery === 0) tally.sampled.push({ index: i, query, frames });
      } catch (err) {
        tally.errors++;
        if (tally.errorMessages.size < MAX_ERROR_MESSAGES) tally.errorMessages.add(describe(err));
      }
      tally.done++;
      config.onProgress?.({ done: tally.done, total, errors: tally.errors, elapsedMs: performance.now() - started, limitMs });
    }
  };
  await Promise.all(Array.from({ length: config.clients }, client));
  tally.elapsedMs = performance.now() - started;
  tally.sampled.sort((a, b) => a.index - b.index);
  return tally;
}

/** Checks the cluster has the universe's dataset and fields, at the bar width the universe assumes. */
async function checkUniverse(target: LoadTarget, universe: LoadUniverse, deadlineMs: number): Promise<void> {
  const datasets = await target.listDatasets(deadlineMs);
  const info = datasets.find((d) => d.name === universe.dataset);
  if (!info) {
    throw notFound(`the cluster has no dataset ${JSON.stringify(universe.dataset)} (it has: ${datasets.map((d) => d.name).join(', ') || 'none'})`);
  }
  const unknown = universe.fields.filter((f) => !info.fields.includes(f));
  if (unknown.length > 0) throw invalidArgument(`dataset ${info.name} has no field ${unknown.join(', ')} (fields: ${info.fields.join(', ')})`);
  if (frequencyMs(info.frequency) !== universe.barMs) {
    throw invalidArgument(`dataset ${info.name} has ${info.frequency} bars, but the workload assumes ${universe.barMs} ms bars`);
  }
}

function pointsOf(frames: readonly SeriesFrame[]): number {
  let n = 0;
  for (const f of frames) n += f.timestamps.length * f.columns.length;
  return n;
}

function describe(err: unknown): string {
  if (err instanceof FlorinError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
