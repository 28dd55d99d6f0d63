export { HeadServer, HEAD_SERVICE, type HeadServerOptions, DEFAULT_HEAD_HOST, DEFAULT_HEAD_PORT } from './head-server.js';
export { HeadNode, type HeadNodeState, type HeadCallOptions, type HeadReadOptions, type InflightFetch } from './head-node.js';
export {
  type HeadOptions,
  type HeadConfig,
  type RetryPolicy,
  resolveHeadOptions,
  DEFAULT_HEAD_OPTIONS,
  DEFAULT_CHUNK_BARS,
  DEFAULT_RETRY_POLICY,
} from './options.js';
export { type Upstream, upstreamError } from './upstream.js';
export { type HeadStatsSnapshot } from './head-stats.js';
export { type HeadReadResult, type SeriesPieces, resultFrames } from './read-result.js';
export { ChunkGrid, type ChunkSpan, chunkRuns } from './chunk-grid.js';
export { ExtentIndex, SeriesIndex } from './extent-index.js';
export { FetchGroup, type FetchGroupState, type FetchResult } from './fetch-group.js';
export { InflightBudget } from './inflight-budget.js';
export { type HeadMember, type HeadMembership, StaticMembership, parseMembers, checkMembers } from './membership.js';
export { PEER_METADATA_KEY } from './peer-client.js';
