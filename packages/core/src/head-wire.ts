/**
 * Shapes of the head.proto messages as they cross the grpc-js boundary with
 * PROTO_LOADER_OPTIONS (camelCase names, uint64 as number), and the request
 * metadata HeadService.Read understands. Shared by the head node and the SDK.
 */

/** Request metadata key that turns aggregation and the cache off for one HeadService.Read. */
export const COALESCE_METADATA_KEY = 'florin-coalesce';
/** The value of COALESCE_METADATA_KEY that bypasses aggregation. */
export const COALESCE_OFF = 'off';

export interface HeadStatsRequestMessage {
  reset: boolean;
}

/** HeadStats: counters since start (or the last reset) plus gauges. */
export interface HeadStatsMessage {
  nodeId: string;
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
  writes: number;
  invalidations: number;
  upstreamFailures: number;
  upstreamRetries: number;
  peerReads: number;
  peerErrors: number;
  peerFallbacks: number;
}

export interface DescribeHeadResponseMessage {
  nodeId: string;
  shardCount: number;
  coalesce: boolean;
}
