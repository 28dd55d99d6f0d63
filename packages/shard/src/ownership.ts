import { failedPrecondition, shardFor } from '@florin/core';

/**
 * Which series this shard owns: (dataset, symbol) pairs whose partition
 * function names `shardId` among `shardCount` shards.
 */
export class Ownership {
  constructor(
    readonly shardId: number,
    readonly shardCount: number,
  ) {}

  owns(dataset: string, symbol: string): boolean {
    return shardFor(dataset, symbol, this.shardCount) === this.shardId;
  }

  /**
   * Throws FAILED_PRECONDITION naming the first symbols this shard does not own
   * and the shard that does, so a misrouted caller can see where to go.
   */
  assertOwned(dataset: string, symbols: Iterable<string>): void {
    const foreign: string[] = [];
    let count = 0;
    for (const symbol of symbols) {
      const owner = shardFor(dataset, symbol, this.shardCount);
      if (owner === this.shardId) continue;
      count++;
      if (foreign.length < 5) foreign.push(`${symbol} (owned by shard ${owner})`);
    }
    if (count === 0) return;
    const more = count > foreign.length ? ` and ${count - foreign.length} more` : '';
    throw failedPrecondition(
      `shard ${this.shardId} of ${this.shardCount} does not own ${dataset} ${foreign.join(', ')}${more}; ` +
        `route each symbol to shardFor(dataset, symbol, ${this.shardCount}) (the ShardRouter does this)`,
    );
  }
}
