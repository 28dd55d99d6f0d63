import { DistinctPoints, type EncodedDistinctPoints } from '../distinct-points.js';
import type { DriveTally } from '../drive.js';
import { LatencyRecorder, type LatencySummary } from '../latency.js';
import type { LoadUniverse } from '../workload.js';

/** Distinct error messages a merged report keeps. */
const MAX_ERROR_MESSAGES = 5;

/** What one load generator (one task of the fleet job) measured: its task result. Plain JSON. */
export interface GeneratorPart {
  /** The generator's number (its task index): it sent requests generator, generator + generators, ... */
  readonly generator: number;
  readonly requests: number;
  readonly errors: number;
  readonly errorMessages: readonly string[];
  readonly pointsServed: number;
  /** Wall-clock start and end (epoch ms, this QCU's clock). */
  readonly startedMs: number;
  readonly endedMs: number;
  readonly elapsedMs: number;
  /** Its latencies: an HDR histogram (µs), compressed and base64-encoded. */
  readonly latency: string;
  /** The (symbol, timestamp) rows it was answered. */
  readonly distinct: EncodedDistinctPoints;
}

/** One generator's line in the merged report. */
export interface GeneratorLine {
  readonly generator: number;
  readonly requests: number;
  readonly errors: number;
  readonly pointsServed: number;
  readonly elapsedMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * The fleet's merged report (the load-generator job's result). Counts are
 * sums over the generators; latency percentiles come from the merged
 * histogram (every request's latency), not from averaging percentiles;
 * distinct rows are the union of what every generator was answered.
 */
export interface FleetSummary {
  readonly generators: number;
  readonly requests: number;
  readonly errors: number;
  readonly errorMessages: readonly string[];
  readonly pointsServed: number;
  /** First generator's start to last generator's end (epoch ms of the QCUs' clocks). */
  readonly startedMs: number;
  readonly endedMs: number;
  readonly elapsedMs: number;
  readonly requestsPerSec: number;
  readonly pointsPerSec: number;
  readonly latency: LatencySummary;
  /** The merged latency histogram, encoded like GeneratorPart.latency. */
  readonly latencyHistogram: string;
  readonly distinctRows: number;
  readonly distinctPoints: number;
  readonly parts: readonly GeneratorLine[];
}

/** A generator's task result from its run. */
export function generatorPart(generator: number, tally: DriveTally, latency: LatencyRecorder, startedMs: number): GeneratorPart {
  return {
    generator,
    requests: tally.done,
    errors: tally.errors,
    errorMessages: [...tally.errorMessages],
    pointsServed: tally.pointsServed,
    startedMs,
    endedMs: startedMs + tally.elapsedMs,
    elapsedMs: tally.elapsedMs,
    latency: latency.encode(),
    distinct: tally.distinct.encode(),
  };
}

/** Merges the generators' parts (task results, in any order) into one report over `universe`. */
export function mergeGeneratorParts(parts: readonly unknown[], universe: LoadUniverse): FleetSummary {
  if (parts.length === 0) throw new TypeError('no load generator reported a result');
  const checked = parts.map(checkPart).sort((a, b) => a.generator - b.generator);
  const latency = new LatencyRecorder();
  try {
    const distinct = new DistinctPoints(universe);
    const errorMessages = new Set<string>();
    const lines: GeneratorLine[] = [];
    for (const part of checked) {
      latency.add(part.latency);
      distinct.merge(part.distinct);
      for (const m of part.errorMessages) if (errorMessages.size < MAX_ERROR_MESSAGES) errorMessages.add(m);
      lines.push(lineOf(part));
    }
    const sum = (pick: (p: GeneratorPart) => number): number => checked.reduce((n, p) => n + pick(p), 0);
    const startedMs = Math.min(...checked.map((p) => p.startedMs));
    const endedMs = Math.max(...checked.map((p) => p.endedMs));
    const elapsedMs = endedMs - startedMs;
    const requests = sum((p) => p.requests);
    const pointsServed = sum((p) => p.pointsServed);
    return {
      generators: checked.length,
      requests,
      errors: sum((p) => p.errors),
      errorMessages: [...errorMessages],
      pointsServed,
      startedMs,
      endedMs,
      elapsedMs,
      requestsPerSec: elapsedMs > 0 ? requests / (elapsedMs / 1000) : 0,
      pointsPerSec: elapsedMs > 0 ? pointsServed / (elapsedMs / 1000) : 0,
      latency: latency.summary(),
      latencyHistogram: latency.encode(),
      distinctRows: distinct.rows,
      distinctPoints: distinct.points,
      parts: lines,
    };
  } finally {
    latency.destroy();
  }
}

function lineOf(part: GeneratorPart): GeneratorLine {
  const own = new LatencyRecorder();
  try {
    own.add(part.latency);
    const s = own.summary();
    return { generator: part.generator, requests: part.requests, errors: part.errors, pointsServed: part.pointsServed, elapsedMs: part.elapsedMs, p50Ms: s.p50Ms, p99Ms: s.p99Ms };
  } finally {
    own.destroy();
  }
}

function checkPart(value: unknown, k: number): GeneratorPart {
  const p = value as Partial<GeneratorPart> | null;
  const bad = (what: string): never => {
    throw new TypeError(`load generator result ${k} is not a generator part: ${what}`);
  };
  if (typeof p !== 'object' || p === null) return bad('not an object');
  for (const key of ['generator', 'requests', 'errors', 'pointsServed', 'startedMs', 'endedMs', 'elapsedMs'] as const) {
    if (typeof p[key] !== 'number' || !Number.isFinite(p[key])) bad(`${key} is not a number`);
  }
  if (typeof p.latency !== 'string') bad('latency is not an encoded histogram');
  if (typeof p.distinct !== 'object' || p.distinct === null || typeof p.distinct.bits !== 'string' || !Array.isArray(p.distinct.offGrid)) bad('distinct is not encoded rows');
  if (!Array.isArray(p.errorMessages)) bad('errorMessages is not a list');
  return p as GeneratorPart;
}
