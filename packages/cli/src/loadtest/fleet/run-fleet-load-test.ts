import { randomUUID } from 'node:crypto';
import { Backoff, FlorinError, failedPrecondition, invalidArgument, sleep } from '@florin/core';
import type { Job, JobHandle, JobsClient } from '@florin/client';
import { LOAD_TEST_DEFAULTS } from '../load-options.js';
import type { LoadTestResult } from '../load-result.js';
import { headTotalsSince, type LoadTarget } from '../load-target.js';
import { checkUniverse } from '../run-load-test.js';
import { LoadWorkload, type LoadUniverse } from '../workload.js';
import type { FleetSummary } from './generator-part.js';
import { LOAD_GENERATOR_UNIT } from './load-generator-unit.js';

/** A load test run as a job on the QCU fleet. */
export interface FleetLoadTestOptions {
  /** The coordinator, where the load-generator job is submitted. */
  readonly jobs: JobsClient;
  /** The head nodes the QCUs read through (mode 'heads'): their counters before and after give hit ratio and amplification. */
  readonly heads: LoadTarget;
  readonly universe: LoadUniverse;
  /** Load generators: tasks of the job, at most the universe's symbols (one symbol per task makes the tasks). */
  readonly generators: number;
  /** Requests in flight per generator. */
  readonly clients: number;
  /** Requests of the whole workload, over every generator. Default 4000 without `seconds`, unbounded with it. */
  readonly requests?: number;
  readonly seconds?: number;
  readonly seed: number;
  readonly symbolsPerRequest: number;
  readonly minWindowBars: number;
  readonly deadlineMs: number;
  /** Waits for the submitted job to end (e.g. with a progress bar). Default: handle.wait(). */
  readonly follow?: (handle: JobHandle) => Promise<Job>;
  /** Called once the job is submitted. */
  readonly onSubmitted?: (job: Job) => void;
}

/** The fleet part of a fleet load test's result. */
export interface FleetRun {
  readonly jobId: string;
  readonly generators: number;
  readonly clientsPerGenerator: number;
  readonly summary: FleetSummary;
}

/**
 * Runs the load test on the QCU fleet: submits one load-generator job (one
 * task per generator) through the coordinator, waits for it, and reports
 * its merged result with the heads' counters over the run (after minus
 * before, so nothing is reset; other traffic on the heads meanwhile counts
 * too). A generator's failed reads are counted in its result; a failed job
 * is FAILED_PRECONDITION with the job's error.
 */
export async function runFleetLoadTest(options: FleetLoadTestOptions): Promise<LoadTestResult & { fleet: FleetRun }> {
  const { universe, generators } = options;
  if (!Number.isSafeInteger(generators) || generators < 1) throw invalidArgument(`--tasks must be a positive integer, got ${generators}`);
  if (generators > universe.symbols.length) {
    throw invalidArgument(
      `--tasks ${generators} is more than the universe's ${universe.symbols.length} symbols: each load generator is one task of one symbol of the job ` +
        '(it still draws from the whole universe); use at most that many tasks, or a larger --universe',
    );
  }
  const requests = options.requests ?? (options.seconds === undefined ? LOAD_TEST_DEFAULTS.requests : undefined);
  const workload = new LoadWorkload(universe, { symbolsPerRequest: options.symbolsPerRequest, minWindowBars: options.minWindowBars, seed: options.seed });
  await checkUniverse(options.heads, universe, options.deadlineMs);
  const before = await options.heads.stats(false);
  const handle = await submitWithRetry(options.jobs, {
    unit: LOAD_GENERATOR_UNIT,
    dataset: universe.dataset,
    symbols: universe.symbols.slice(0, generators),
    startMs: universe.range.start,
    endMs: universe.range.end,
    taskSize: 1,
    params: {
      universe: [...universe.symbols],
      fields: [...universe.fields],
      barMs: universe.barMs,
      generators,
      clients: options.clients,
      requests: requests ?? 0,
      seconds: options.seconds ?? 0,
      seed: options.seed,
      symbolsPerRequest: workload.symbolsPerRequest,
      minWindowBars: options.minWindowBars,
      deadlineMs: options.deadlineMs,
    },
    idempotencyKey: `florin-loadtest-${randomUUID()}`,
  });
  options.onSubmitted?.(handle.job);
  const job = options.follow ? await options.follow(handle) : await handle.wait();
  if (job.state !== 'succeeded') {
    throw failedPrecondition(`the load-generator job ${job.jobId} ended ${job.state}${job.error ? `: ${job.error}` : ''} (florin jobs show ${job.jobId})`);
  }
  const after = await options.heads.stats(false);
  const summary = job.result as FleetSummary;
  const heads = before && after ? headTotalsSince(before, after) : undefined;
  const upstreamPoints = heads?.upstreamPoints ?? 0;
  const lookups = heads ? heads.cacheHits + heads.cachePartialHits + heads.cacheMisses : 0;
  return {
    mode: 'heads',
    target: `${summary.generators} load generators on the QCU fleet (job ${job.jobId}), through ${options.heads.description}`,
    dataset: universe.dataset,
    fields: universe.fields,
    universeSymbols: universe.symbols.length,
    symbolsPerRequest: workload.symbolsPerRequest,
    clients: generators * options.clients,
    seed: options.seed,
    requests: summary.requests,
    errors: summary.errors,
    errorMessages: summary.errorMessages,
    elapsedMs: summary.elapsedMs,
    requestsPerSec: summary.requestsPerSec,
    pointsServed: summary.pointsServed,
    pointsPerSec: summary.pointsPerSec,
    latency: summary.latency,
    distinctPoints: summary.distinctPoints,
    upstreamPoints,
    amplification: summary.distinctPoints > 0 ? upstreamPoints / summary.distinctPoints : null,
    hitRatio: heads && lookups > 0 ? heads.cacheHits / lookups : null,
    heads,
    cacheBytesAtStart: before?.cacheBytes,
    sampled: [],
    fleet: { jobId: job.jobId, generators: summary.generators, clientsPerGenerator: options.clients, summary },
  };
}

/** How long a submit is retried while the coordinator is unreachable (e.g. discovery has not listed it yet). */
const SUBMIT_RETRY_MS = 15_000;

/**
 * Submits, retrying UNAVAILABLE for a while: right after start, discovery may
 * not list the coordinator yet. The idempotency key makes a retry of a submit
 * that did arrive return the same job, never a second one.
 */
async function submitWithRetry(jobs: JobsClient, submission: Parameters<JobsClient['submit']>[0]): Promise<JobHandle> {
  const until = Date.now() + SUBMIT_RETRY_MS;
  const backoff = new Backoff({ initialMs: 100, maxMs: 1_000 });
  for (;;) {
    try {
      return await jobs.submit(submission);
    } catch (err) {
      const wait = backoff.next();
      if (!(err instanceof FlorinError && err.code === 'UNAVAILABLE') || Date.now() + wait > until) throw err;
      await sleep(wait, undefined, { ref: true });
    }
  }
}
