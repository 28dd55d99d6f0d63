import { FlorinError, type SeriesFrame } from '@florin/core';
import type { SeriesQuery } from '@florin/client';
import { DistinctPoints } from './distinct-points.js';
import type { LatencyRecorder } from './latency.js';
import type { LoadProgress } from './load-options.js';
import type { SampledAnswer } from './load-result.js';
import type { LoadWorkload } from './workload.js';

/** Distinct error messages a run keeps. */
const MAX_ERROR_MESSAGES = 5;

/** Which requests of the workload one load generator sends, and how. */
export interface DrivePlan {
  /** Concurrent simulated clients, one request in flight each. */
  readonly clients: number;
  /** Requests of the whole workload: request indices stop below it (Infinity when only `seconds` bounds the run). */
  readonly requests: number;
  /** Stop starting requests after this many seconds (undefined: no time bound). */
  readonly seconds: number | undefined;
  readonly deadlineMs: number;
  /** This generator sends requests first, first + stride, first + 2 x stride, ... (one generator: 0 and 1). */
  readonly first: number;
  readonly stride: number;
  readonly sampleEvery: number | undefined;
  readonly onProgress: ((progress: LoadProgress) => void) | undefined;
  /** Stops starting requests once it fires (a cancelled task). */
  readonly signal?: AbortSignal;
}

/** What a generator did. */
export interface DriveTally {
  done: number;
  errors: number;
  pointsServed: number;
  elapsedMs: number;
  readonly errorMessages: Set<string>;
  readonly distinct: DistinctPoints;
  readonly sampled: SampledAnswer[];
}

/**
 * Sends this generator's share of the workload with `clients` requests in
 * flight until the request or time bound, recording each answered request's
 * latency. Failed requests are counted, not retried; the run goes on.
 */
export async function driveRequests(
  plan: DrivePlan,
  workload: LoadWorkload,
  read: (query: SeriesQuery, deadlineMs: number) => Promise<SeriesFrame[]>,
  latency: LatencyRecorder,
): Promise<DriveTally> {
  const tally: DriveTally = {
    done: 0,
    errors: 0,
    pointsServed: 0,
    elapsedMs: 0,
    errorMessages: new Set(),
    distinct: new DistinctPoints(workload.universe),
    sampled: [],
  };
  const limitMs = plan.seconds === undefined ? undefined : plan.seconds * 1000;
  const total = Number.isFinite(plan.requests) ? Math.max(0, Math.ceil((plan.requests - plan.first) / plan.stride)) : undefined;
  const started = performance.now();
  let next = 0;
  const client = async (): Promise<void> => {
    for (;;) {
      if (limitMs !== undefined && performance.now() - started >= limitMs) return;
      if (plan.signal?.aborted) return;
      const i = plan.first + plan.stride * next++;
      if (i >= plan.requests) return;
      const query = workload.query(i);
      const t0 = performance.now();
      try {
        const frames = await read(query, plan.deadlineMs);
        latency.record(performance.now() - t0);
        tally.pointsServed += pointsOf(frames);
        tally.distinct.add(frames);
        if (plan.sampleEvery !== undefined && i % plan.sampleEvery === 0) tally.sampled.push({ index: i, query, frames });
      } catch (err) {
        tally.errors++;
        if (tally.errorMessages.size < MAX_ERROR_MESSAGES) tally.errorMessages.add(describe(err));
      }
      tally.done++;
      plan.onProgress?.({ done: tally.done, total, errors: tally.errors, elapsedMs: performance.now() - started, limitMs });
    }
  };
  await Promise.all(Array.from({ length: plan.clients }, client));
  tally.elapsedMs = performance.now() - started;
  tally.sampled.sort((a, b) => a.index - b.index);
  return tally;
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
