import type { Attributes, Meter, ObservableResult } from '@opentelemetry/api';
import { ResetTolerantTotal } from './monotonic.js';

/** What a head node's stats() answers (a subset of core's HeadStatsMessage). */
export interface HeadStatsReading {
  requests: number;
  pointsServed: number;
  upstreamRequests: number;
  upstreamPoints: number;
  joins: number;
  cacheHits: number;
  cachePartialHits: number;
  cacheMisses: number;
  cacheBytes: number;
  cacheEntries: number;
  evictions: number;
  inflightBytes: number;
  upstreamFailures: number;
  upstreamRetries: number;
  writesCached: number;
}

type CounterSpec<R> = readonly [name: string, unit: string, description: string, read: (r: R) => number];

function observeCounters<R>(meter: Meter, read: () => R, specs: readonly CounterSpec<R>[], attributes: Attributes): void {
  const instruments = specs.map(([name, unit, description]) => meter.createObservableCounter(name, { unit, description }));
  const totals = specs.map(() => new ResetTolerantTotal());
  meter.addBatchObservableCallback(
    (result) => {
      const reading = read();
      specs.forEach(([, , , pick], i) => result.observe(instruments[i]!, totals[i]!.observe(pick(reading)), attributes));
    },
    instruments,
  );
}

const HEAD_COUNTERS: readonly CounterSpec<HeadStatsReading>[] = [
  ['florin.head.requests', '{request}', 'Reads served.', (r) => r.requests],
  ['florin.head.points_served', '{point}', 'Points (rows x fields) answered to callers.', (r) => r.pointsServed],
  ['florin.head.cache.hits', '{series}', 'Series of a read answered wholly from the cache.', (r) => r.cacheHits],
  ['florin.head.cache.partial_hits', '{series}', 'Series answered partly from the cache or in-flight fetches.', (r) => r.cachePartialHits],
  ['florin.head.cache.misses', '{series}', 'Series with nothing cached or in flight.', (r) => r.cacheMisses],
  ['florin.head.joins', '{chunk}', 'Chunks a read took from a fetch already in flight.', (r) => r.joins],
  ['florin.head.upstream.requests', '{request}', 'Reads sent to shards.', (r) => r.upstreamRequests],
  ['florin.head.upstream.points', '{point}', 'Points read from shards.', (r) => r.upstreamPoints],
  ['florin.head.upstream.failures', '{request}', 'Upstream reads that failed.', (r) => r.upstreamFailures],
  ['florin.head.upstream.retries', '{request}', 'Upstream reads retried.', (r) => r.upstreamRetries],
  ['florin.head.cache.evictions', '{chunk}', 'Chunks evicted from the cache.', (r) => r.evictions],
  ['florin.head.writes.cached', '{request}', 'Writes through the head whose rows it cached as written (the chunks then held exactly them).', (r) => r.writesCached],
];

/**
 * A head node's stats as instruments: the counters above, plus gauges for cache bytes, cache
 * entries, bytes in flight, and amplification (upstream points per point served, since start).
 */
export function observeHeadStats(meter: Meter, read: () => HeadStatsReading, attributes: Attributes = {}): void {
  observeCounters(meter, read, HEAD_COUNTERS, attributes);
  const served = new ResetTolerantTotal();
  const upstream = new ResetTolerantTotal();
  const cacheBytes = meter.createObservableGauge('florin.head.cache.size', { unit: 'By', description: 'Bytes held by the chunk cache.' });
  const entries = meter.createObservableGauge('florin.head.cache.entries', { unit: '{chunk}', description: 'Chunks held by the cache.' });
  const inflight = meter.createObservableGauge('florin.head.inflight.size', { unit: 'By', description: 'Bytes of upstream fetches in flight.' });
  const amplification = meter.createObservableGauge('florin.head.amplification', {
    unit: '1',
    description: 'Points read from shards per point served (below 1: the cache and coalescing save reads).',
  });
  meter.addBatchObservableCallback(
    (result) => {
      const r = read();
      result.observe(cacheBytes, r.cacheBytes, attributes);
      result.observe(entries, r.cacheEntries, attributes);
      result.observe(inflight, r.inflightBytes, attributes);
      const s = served.observe(r.pointsServed);
      const u = upstream.observe(r.upstreamPoints);
      if (s > 0) result.observe(amplification, u / s, attributes);
    },
    [cacheBytes, entries, inflight, amplification],
  );
}

/** What a shard's stats() answers (a subset of ShardStats). */
export interface ShardStatsReading {
  readCalls: number;
  readPoints: number;
  readRows: number;
  writeCalls: number;
  rowsWritten: number;
}

const SHARD_COUNTERS: readonly CounterSpec<ShardStatsReading>[] = [
  ['florin.shard.read.calls', '{request}', 'Reads accepted.', (r) => r.readCalls],
  ['florin.shard.read.points', '{point}', 'Points (rows x fields) read from the store and streamed.', (r) => r.readPoints],
  ['florin.shard.read.rows', '{row}', 'Rows read from the store.', (r) => r.readRows],
  ['florin.shard.write.calls', '{request}', 'Writes accepted.', (r) => r.writeCalls],
  ['florin.shard.write.rows', '{row}', 'Rows written.', (r) => r.rowsWritten],
];

export function observeShardStats(meter: Meter, read: () => ShardStatsReading, attributes: Attributes = {}): void {
  observeCounters(meter, read, SHARD_COUNTERS, attributes);
}

/** Task counts of the coordinator's unfinished jobs, and job counts by state. */
export interface CoordinatorReading {
  /** Tasks ready to lease (the queue depth QCU autoscaling follows). */
  tasksQueued: number;
  /** Tasks leased to a worker now. */
  tasksLeased: number;
  /** Jobs per state (queued, running, succeeded, failed, cancelled). */
  jobs: Readonly<Record<string, number>>;
}

/**
 * The coordinator's queue as gauges: florin.coordinator.queue.depth (tasks ready),
 * florin.coordinator.leases (tasks leased), florin.coordinator.jobs{state}. `read` may query the
 * store; it runs once per export interval.
 */
export function observeCoordinator(meter: Meter, read: () => Promise<CoordinatorReading>, attributes: Attributes = {}): void {
  const depth = meter.createObservableGauge('florin.coordinator.queue.depth', { unit: '{task}', description: 'Tasks ready to lease.' });
  const leases = meter.createObservableGauge('florin.coordinator.leases', { unit: '{task}', description: 'Tasks leased to workers.' });
  const jobs = meter.createObservableGauge('florin.coordinator.jobs', { unit: '{job}', description: 'Jobs per state.' });
  meter.addBatchObservableCallback(
    async (result) => {
      const r = await read();
      result.observe(depth, r.tasksQueued, attributes);
      result.observe(leases, r.tasksLeased, attributes);
      for (const [state, n] of Object.entries(r.jobs)) result.observe(jobs, n, { ...attributes, 'florin.job.state': state });
    },
    [depth, leases, jobs],
  );
}

/** Busy and idle time of a QCU's slots, read from the worker. */
export interface QcuReading {
  /** Slot-milliseconds spent running tasks since start. */
  busyMs: number;
  /** Slot-milliseconds with no task since start. */
  idleMs: number;
}

export function observeQcu(meter: Meter, read: () => QcuReading, attributes: Attributes = {}): void {
  const time = meter.createObservableCounter('florin.qcu.slot.time', { unit: 's', description: 'Slot time by state (busy running a task, idle).' });
  time.addCallback((result: ObservableResult) => {
    const r = read();
    result.observe(r.busyMs / 1000, { ...attributes, 'florin.qcu.state': 'busy' });
    result.observe(r.idleMs / 1000, { ...attributes, 'florin.qcu.state': 'idle' });
  });
}
