import type { HeadStatsMessage } from '@florin/core';
import { ReadLatency } from './read-latency.js';
/** The HeadStats message of head.proto (camelCase, as grpc-js carries it). */
export type HeadStatsSnapshot = HeadStatsMessage;

/** The counters a head node keeps (reset by GetStats with reset = true). */
export type HeadCounter =
  | 'requests'
  | 'pointsServed'
  | 'upstreamRequests'
  | 'upstreamPoints'
  | 'joins'
  | 'cacheHits'
  | 'cachePartialHits'
  | 'cacheMisses'
  | 'writes'
  | 'writesCached'
  | 'invalidations'
  | 'upstreamFailures'
  | 'upstreamRetries'
  | 'peerReads'
  | 'peerErrors'
  | 'peerFallbacks';

/** Gauges are read from their owners at snapshot time; `evictions` is cumulative and reset like a counter. */
export interface HeadGauges {
  cacheBytes(): number;
  cacheMaxBytes(): number;
  cacheEntries(): number;
  evictions(): number;
  inflightBytes(): number;
}

const COUNTERS: readonly HeadCounter[] = [
  'requests',
  'pointsServed',
  'upstreamRequests',
  'upstreamPoints',
  'joins',
  'cacheHits',
  'cachePartialHits',
  'cacheMisses',
  'writes',
  'writesCached',
  'invalidations',
  'upstreamFailures',
  'upstreamRetries',
  'peerReads',
  'peerErrors',
  'peerFallbacks',
];

/** What a head node did since it started or since the last reset. */
export class HeadStats {
  private readonly counters = new Map<HeadCounter, number>(COUNTERS.map((c) => [c, 0]));
  private evictionBase = 0;
  private readonly latency = new ReadLatency();

  constructor(
    private readonly nodeId: string,
    private readonly gauges: HeadGauges,
  ) {}

  add(counter: HeadCounter, by = 1): void {
    this.counters.set(counter, this.counters.get(counter)! + by);
  }

  /** One client read's latency (ms), for the p50/p99 of the snapshot. */
  recordRead(ms: number): void {
    this.latency.record(ms);
  }

  get(counter: HeadCounter): number {
    return this.counters.get(counter)!;
  }

  /** A snapshot; with `reset`, counters (and evictions) restart from zero afterwards, gauges do not. */
  snapshot(reset = false): HeadStatsSnapshot {
    const c = (name: HeadCounter): number => this.counters.get(name)!;
    const evictions = this.gauges.evictions();
    const snap: HeadStatsSnapshot = {
      nodeId: this.nodeId,
      requests: c('requests'),
      pointsServed: c('pointsServed'),
      upstreamRequests: c('upstreamRequests'),
      upstreamPoints: c('upstreamPoints'),
      joins: c('joins'),
      cacheHits: c('cacheHits'),
      cachePartialHits: c('cachePartialHits'),
      cacheMisses: c('cacheMisses'),
      cacheBytes: this.gauges.cacheBytes(),
      cacheEntries: this.gauges.cacheEntries(),
      evictions: evictions - this.evictionBase,
      inflightBytes: this.gauges.inflightBytes(),
      writes: c('writes'),
      invalidations: c('invalidations'),
      upstreamFailures: c('upstreamFailures'),
      upstreamRetries: c('upstreamRetries'),
      peerReads: c('peerReads'),
      peerErrors: c('peerErrors'),
      peerFallbacks: c('peerFallbacks'),
      readP50Ms: this.latency.percentile(0.5),
      readP99Ms: this.latency.percentile(0.99),
      cacheMaxBytes: this.gauges.cacheMaxBytes(),
      writesCached: c('writesCached'),
    };
    if (reset) {
      for (const name of COUNTERS) this.counters.set(name, 0);
      this.evictionBase = evictions;
      this.latency.clear();
    }
    return snap;
  }
}
