export { ShardServer, SHARD_SERVICE } from './shard-server.js';
export {
  type ShardServerOptions,
  type WriterCheck,
  type ShardServerConfig,
  resolveShardConfig,
  DEFAULT_SHARD_HOST,
  DEFAULT_SHARD_PORT,
} from './shard-config.js';
export { ReadChunker, readChunks } from './chunker.js';
export { readBatches, batchSizes, type BatchSizes, type SymbolBatch } from './read-batches.js';
export { Ownership } from './ownership.js';
export { WriteLane, WRITE_LANE_MAX_ROWS } from './write-lane.js';
export { type ShardStats, type RecentRead, RECENT_READS_CAPACITY } from './shard-stats.js';
