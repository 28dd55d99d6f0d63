export { ShardClient, SHARD_SERVICE, type ShardClientOptions, type ShardDescription } from './shard-client.js';
export { ShardRouter } from './shard-router.js';
