// Membership of Florin services: static, a local registry for one machine, DNS, AWS Cloud Map.
export {
  type Discovery,
  type DiscoveryKind,
  type DiscoveryState,
  type WatchState,
  type WatchOptions,
  type ResolveOptions,
  type ReadyOptions,
  type MembershipWatch,
  type DiscoveryStats,
  type FeedStats,
  type DiscoveryLogEntry,
  type DiscoveryLogger,
  stderrLogger,
} from './discovery.js';
export {
  type Member,
  type Membership,
  type Registration,
  FLORIN_ID,
  FLORIN_PARTITION,
  FLORIN_ROLE,
  FLORIN_VERSION,
  FLORIN_STARTED_MS,
  parseAddress,
  validateServiceName,
  validateMemberId,
  validateAddress,
  groupByAttribute,
} from './member.js';
export { type BackoffPolicy, DEFAULT_BACKOFF, fullJitter } from './backoff.js';
export type { CommonDiscoveryOptions } from './discovery-base.js';
export { StaticDiscovery, type StaticDiscoveryOptions, type StaticMemberSpec } from './static-discovery.js';
export { LocalRegistryDiscovery, type LocalRegistryOptions, localRegistryDirectory } from './local-registry.js';
export { DnsDiscovery, type DnsDiscoveryOptions } from './dns-discovery.js';
export { CloudMapDiscovery, type CloudMapDiscoveryOptions } from './cloud-map-discovery.js';
export { AWS_INSTANCE_IPV4, AWS_INSTANCE_IPV6, AWS_INSTANCE_PORT, DEFAULT_ID_ATTRIBUTES } from './cloud-map-instances.js';
export { RelayedDiscovery, type RelayedDiscoveryOptions, type RelayedMembership } from './relayed-discovery.js';
export { watchersOf } from './watchers.js';
export { type DiscoveryConfig, createDiscovery } from './create-discovery.js';
export { MemberSet, type MemberSetState, memberAddress } from './member-set.js';
export { ShardDirectory, FLORIN_SHARD_COUNT } from './shard-directory.js';
