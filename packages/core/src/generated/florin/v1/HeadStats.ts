// Original file: proto/florin/v1/head.proto

import type { Long } from '@grpc/proto-loader';

export interface HeadStatsInput {
  'nodeId'?: (string);
  'requests'?: (number | string | Long);
  'pointsServed'?: (number | string | Long);
  'upstreamRequests'?: (number | string | Long);
  'upstreamPoints'?: (number | string | Long);
  'joins'?: (number | string | Long);
  'cacheHits'?: (number | string | Long);
  'cachePartialHits'?: (number | string | Long);
  'cacheMisses'?: (number | string | Long);
  'cacheBytes'?: (number | string | Long);
  'cacheEntries'?: (number | string | Long);
  'evictions'?: (number | string | Long);
  'inflightBytes'?: (number | string | Long);
  'writes'?: (number | string | Long);
  'invalidations'?: (number | string | Long);
  'upstreamFailures'?: (number | string | Long);
  'upstreamRetries'?: (number | string | Long);
  'peerReads'?: (number | string | Long);
  'peerErrors'?: (number | string | Long);
  'peerFallbacks'?: (number | string | Long);
  'readP50Ms'?: (number | string);
  'readP99Ms'?: (number | string);
  'cacheMaxBytes'?: (number | string | Long);
  'writesCached'?: (number | string | Long);
}

export interface HeadStatsOutput {
  'nodeId': (string);
  'requests': (number);
  'pointsServed': (number);
  'upstreamRequests': (number);
  'upstreamPoints': (number);
  'joins': (number);
  'cacheHits': (number);
  'cachePartialHits': (number);
  'cacheMisses': (number);
  'cacheBytes': (number);
  'cacheEntries': (number);
  'evictions': (number);
  'inflightBytes': (number);
  'writes': (number);
  'invalidations': (number);
  'upstreamFailures': (number);
  'upstreamRetries': (number);
  'peerReads': (number);
  'peerErrors': (number);
  'peerFallbacks': (number);
  'readP50Ms': (number);
  'readP99Ms': (number);
  'cacheMaxBytes': (number);
  'writesCached': (number);
}
