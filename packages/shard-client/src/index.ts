export { ShardClient, SHARD_SERVICE, type ShardClientOptions, type ShardDescription } from './shard-client.js';
export { ShardRouter, type RoutedWrite, type ShardMembership, type ShardRouterOptions } from './shard-router.js';
