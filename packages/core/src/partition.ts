import { createHash } from 'node:crypto';

/**
 * A stable 48-bit hash of a string (SHA-256 from node:crypto, first 6 bytes).
 * The same on every process, platform and Node version.
 */
export function stableHash(text: string): number {
  return createHash('sha256').update(text).digest().readUIntBE(0, 6);
}

/** The series key used for partitioning: dataset and symbol. */
export function seriesKey(dataset: string, symbol: string): string {
  return `${dataset}\u0000${symbol}`;
}

/**
 * The partition function: which of `shardCount` shards owns (dataset, symbol).
 * Used by shards, head nodes, the client and the CLI alike.
 */
export function shardFor(dataset: string, symbol: string, shardCount: number): number {
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new RangeError(`shardCount must be a positive integer, got ${shardCount}`);
  return stableHash(seriesKey(dataset, symbol)) % shardCount;
}

/** Groups symbols by owning shard. Keeps each group in input order. */
export function groupByShard(dataset: string, symbols: readonly string[], shardCount: number): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  for (const s of symbols) {
    const shard = shardFor(dataset, s, shardCount);
    let g = groups.get(shard);
    if (!g) groups.set(shard, (g = []));
    g.push(s);
  }
  return groups;
}
