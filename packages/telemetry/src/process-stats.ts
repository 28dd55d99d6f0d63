import type { OtlpStore, ReceivedPoint } from './otlp-store.js';

/** One process's key numbers, as `florin stats` shows them. */
export interface ProcessStatsRow {
  /** service.instance.id (shard index, head id, QCU id, coordinator). */
  readonly instance: string;
  readonly role: string;
  /** Server calls per second over the last export interval (long polls and watch streams left out). */
  readonly requestsPerSec: number;
  /** p99 server call duration over the last interval, ms: the upper bound of the histogram bucket it falls in; null without calls. */
  readonly p99Ms: number | null;
  /** Heads: series answered wholly from the cache / all series, since the process started. */
  readonly cacheHitRatio: number | null;
  /** Heads: points read from shards per point served, since start. */
  readonly amplification: number | null;
  /** Coordinator: tasks ready to lease. */
  readonly queueDepth: number | null;
}

/** A string or number attribute as text ('' otherwise). */
const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

/** Calls that wait by design (long polls, streams until a job ends): their durations say nothing about load. */
const WAITING_METHODS = new Set(['LeaseTasks', 'Watch']);

/**
 * Per-process stats from what a receiver holds: rates and p99 from the last two exports of
 * rpc.server.duration, the head's hit ratio and amplification, the coordinator's queue depth.
 */
export function processStats(store: OtlpStore): ProcessStatsRow[] {
  const byInstance = new Map<string, ReceivedPoint[]>();
  for (const p of store.allPoints()) {
    const key = `${text(p.resource['florin.role'])}\0${text(p.resource['service.instance.id'])}`;
    const list = byInstance.get(key);
    if (list) list.push(p);
    else byInstance.set(key, [p]);
  }
  const rows: ProcessStatsRow[] = [];
  for (const [key, points] of byInstance) {
    const [role, instance] = key.split('\0') as [string, string];
    const named = (name: string): ReceivedPoint[] => points.filter((p) => p.name === name);
    const calls = named('rpc.server.duration').filter((p) => !WAITING_METHODS.has(text(p.attributes['rpc.method'])));
    const total = (name: string): number => named(name).reduce((n, p) => n + p.value, 0);
    const hits = total('florin.head.cache.hits');
    const series = hits + total('florin.head.cache.partial_hits') + total('florin.head.cache.misses');
    const amplification = named('florin.head.amplification')[0];
    const depth = named('florin.coordinator.queue.depth');
    rows.push({
      instance,
      role,
      requestsPerSec: ratePerSec(calls),
      p99Ms: recentQuantile(calls, 0.99),
      cacheHitRatio: series > 0 ? hits / series : null,
      amplification: amplification ? amplification.value : null,
      queueDepth: depth.length > 0 ? depth.reduce((n, p) => n + p.value, 0) : null,
    });
  }
  return rows.sort((a, b) => a.role.localeCompare(b.role) || a.instance.localeCompare(b.instance, undefined, { numeric: true }));
}

/** Calls per second between each stream's last two points (0 before a stream has two). */
function ratePerSec(points: readonly ReceivedPoint[]): number {
  let rate = 0;
  for (const p of points) {
    if (!p.previous || p.timeMs <= p.previous.timeMs) continue;
    rate += (Math.max(0, p.count - p.previous.count) * 1000) / (p.timeMs - p.previous.timeMs);
  }
  return rate;
}

/**
 * The q-quantile of the calls in the last interval (all calls while a stream has one point),
 * merged over methods with the same bucket bounds: the upper bound of the bucket it falls in
 * (the last bound when it is in the open bucket above).
 */
function recentQuantile(points: readonly ReceivedPoint[], q: number): number | null {
  const bounds = points[0]?.explicitBounds;
  if (!bounds || bounds.length === 0) return null;
  const merged = new Array<number>(bounds.length + 1).fill(0);
  for (const p of points) {
    if (p.explicitBounds.length !== bounds.length || p.explicitBounds.some((b, i) => b !== bounds[i])) continue;
    const before = p.previous?.bucketCounts;
    p.bucketCounts.forEach((n, i) => (merged[i]! += Math.max(0, n - (before?.[i] ?? 0))));
  }
  const count = merged.reduce((a, b) => a + b, 0);
  if (count === 0) return null;
  let seen = 0;
  for (let i = 0; i < merged.length; i++) {
    seen += merged[i]!;
    if (seen >= q * count) return bounds[Math.min(i, bounds.length - 1)]!;
  }
  return bounds[bounds.length - 1]!;
}
