import type { SeriesFrame } from '@florin/core';
import type { SeriesQuery } from '@florin/client';
import type { LatencySummary } from './latency.js';
import type { HeadTotals, LoadMode } from './load-target.js';
import type { FleetRun } from './fleet/run-fleet-load-test.js';

/** One kept request and its answer, for verifyAnswers. */
export interface SampledAnswer {
  readonly index: number;
  readonly query: SeriesQuery;
  readonly frames: readonly SeriesFrame[];
}

/** What a load test measured. */
export interface LoadTestResult {
  readonly mode: LoadMode;
  readonly target: string;
  readonly dataset: string;
  readonly fields: readonly string[];
  readonly universeSymbols: number;
  readonly symbolsPerRequest: number;
  readonly clients: number;
  readonly seed: number;
  /** Requests finished (answered or failed). */
  readonly requests: number;
  readonly errors: number;
  /** The first few distinct error messages. */
  readonly errorMessages: readonly string[];
  readonly elapsedMs: number;
  readonly requestsPerSec: number;
  /** Points (rows x fields) answered to the clients. */
  readonly pointsServed: number;
  readonly pointsPerSec: number;
  readonly latency: LatencySummary;
  /** Distinct (symbol, timestamp) rows answered x fields: the least any cache-less system must fetch. */
  readonly distinctPoints: number;
  /** Points fetched from the shards: the heads' upstreamPoints, or in direct mode the points the shards answered. */
  readonly upstreamPoints: number;
  /** upstreamPoints / distinctPoints (1.0 is ideal). */
  readonly amplification: number | null;
  /** cacheHits / (cacheHits + cachePartialHits + cacheMisses), per key read; null when the heads did not aggregate. */
  readonly hitRatio: number | null;
  /** The heads' counters over the run (undefined in direct mode). */
  readonly heads: HeadTotals | undefined;
  /** Bytes the heads had cached when the run began (a warm cache lowers upstream traffic). */
  readonly cacheBytesAtStart: number | undefined;
  readonly sampled: readonly SampledAnswer[];
  /** Set when the load ran as a job on the QCU fleet (florin loadtest --fleet). */
  readonly fleet?: FleetRun;
}

/** The result as one flat JSON-able object (without the sampled answers). */
export function loadTestJson(r: LoadTestResult): Record<string, unknown> {
  const round = (x: number | null, digits = 3): number | null => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);
  return {
    mode: r.mode,
    target: r.target,
    dataset: r.dataset,
    fields: r.fields,
    universeSymbols: r.universeSymbols,
    symbolsPerRequest: r.symbolsPerRequest,
    clients: r.clients,
    seed: r.seed,
    requests: r.requests,
    errors: r.errors,
    elapsedMs: round(r.elapsedMs),
    requestsPerSec: round(r.requestsPerSec, 1),
    pointsPerSec: Math.round(r.pointsPerSec),
    pointsServed: r.pointsServed,
    p50Ms: round(r.latency.p50Ms),
    p95Ms: round(r.latency.p95Ms),
    p99Ms: round(r.latency.p99Ms),
    maxMs: round(r.latency.maxMs),
    meanMs: round(r.latency.meanMs),
    distinctPoints: r.distinctPoints,
    upstreamPoints: r.upstreamPoints,
    amplification: round(r.amplification, 4),
    hitRatio: round(r.hitRatio, 4),
    cacheHits: r.heads?.cacheHits ?? null,
    cachePartialHits: r.heads?.cachePartialHits ?? null,
    cacheMisses: r.heads?.cacheMisses ?? null,
    joins: r.heads?.joins ?? null,
    upstreamRequests: r.heads?.upstreamRequests ?? null,
    evictions: r.heads?.evictions ?? null,
    cacheBytesAtStart: r.cacheBytesAtStart ?? null,
    errorMessages: r.errorMessages,
    ...(r.fleet
      ? {
          fleet: {
            jobId: r.fleet.jobId,
            generators: r.fleet.generators,
            clientsPerGenerator: r.fleet.clientsPerGenerator,
            headRequests: r.heads?.requests ?? null,
            headPointsServed: r.heads?.pointsServed ?? null,
            parts: r.fleet.summary.parts.map((p) => ({ ...p, elapsedMs: round(p.elapsedMs), p50Ms: round(p.p50Ms), p99Ms: round(p.p99Ms) })),
          },
        }
      : {}),
  };
}
