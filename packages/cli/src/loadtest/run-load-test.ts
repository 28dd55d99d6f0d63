import { frequencyMs, invalidArgument, notFound } from '@florin/core';
import { driveRequests } from './drive.js';
import { LatencyRecorder } from './latency.js';
import { resolveLoadTestOptions, type LoadTestOptions } from './load-options.js';
import type { LoadTestResult } from './load-result.js';
import { connectLoadTarget, type LoadTarget } from './load-target.js';
import { LoadWorkload, type LoadUniverse } from './workload.js';

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
  const target = connectLoadTarget(config.mode, config.addresses, config.security);
  const latency = new LatencyRecorder();
  try {
    await checkUniverse(target, config.universe, config.deadlineMs);
    const before = await target.stats(true);
    const run = await driveRequests({ ...config, first: 0, stride: 1 }, workload, (query, deadlineMs) => target.read(query, deadlineMs), latency);
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

/** Checks the cluster has the universe's dataset and fields, at the bar width the universe assumes. */
export async function checkUniverse(target: LoadTarget, universe: LoadUniverse, deadlineMs: number): Promise<void> {
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
