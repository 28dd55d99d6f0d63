import { stableHash } from '@florin/core';

/**
 * The `count` members that watch `service` in the backend for everyone else
 * (rendezvous hashing over stable ids): each head computes the same answer
 * from the same membership, and when a watcher leaves only its share moves.
 * With k watchers per service polling Cloud Map, the fleet's API load no
 * longer grows with the number of heads and QCUs (see bench/discovery.ts).
 */
export function watchersOf(service: string, memberIds: readonly string[], count: number): string[] {
  return [...new Set(memberIds)]
    .map((id) => ({ id, score: stableHash(`${service}\u0000${id}`) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, Math.max(0, count))
    .map((x) => x.id);
}
