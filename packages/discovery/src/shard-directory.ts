import { unavailable } from '@florin/core';
import { FLORIN_PARTITION, type Member } from './member.js';
import type { MemberSet } from './member-set.js';
import { untilSatisfied } from './until-satisfied.js';
import { stderrLogger, type DiscoveryLogger } from './discovery.js';

/** The attribute that carries the number of partitions a shard was started with. */
export const FLORIN_SHARD_COUNT = 'FLORIN_SHARD_COUNT';

/**
 * The shards of a cluster as discovery sees them: for each partition, the
 * addresses of the shard tasks that serve it (one with a DuckDB file, one or
 * more over PostgreSQL). The partition count is fixed for a cluster: given,
 * or learnt from the first shard's FLORIN_SHARD_COUNT attribute. A member
 * without a valid partition, or started with another count, is skipped and
 * logged. A ShardRouter (from @florin/shard-client) routes on it.
 */
export class ShardDirectory {
  private count: number | undefined;
  private byPartition: readonly (readonly string[])[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;
  private readonly warned = new Set<string>();
  private readonly log: DiscoveryLogger;

  constructor(
    readonly members: MemberSet,
    options: { shardCount?: number; log?: DiscoveryLogger } = {},
  ) {
    this.count = options.shardCount;
    this.log = options.log ?? stderrLogger;
    this.unsubscribe = members.onChange(() => this.recompute());
    this.recompute();
  }

  get description(): string {
    return this.members.description;
  }

  /** The partition count; 0 while no shard has been seen (and none was configured). */
  get shardCount(): number {
    return this.count ?? 0;
  }

  addressesOf(shardId: number): readonly string[] {
    return this.byPartition[shardId] ?? [];
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every partition has at least one shard; UNAVAILABLE after timeoutMs naming the missing ones. */
  async ready(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    await untilSatisfied((listener) => this.onChange(listener), () => this.complete(), options, {
      timedOut: () => unavailable(`shards not found in ${this.description} after ${options.timeoutMs} ms: ${this.missingText()}`),
      cancelled: () => unavailable(`waiting for shards in ${this.description} was cancelled`),
    });
  }

  /** Partitions without any shard, as text ("none seen yet" before the count is known). */
  missingText(): string {
    if (this.count === undefined) return 'no shard has registered yet';
    const missing: number[] = [];
    for (let p = 0; p < this.count; p++) if (this.addressesOf(p).length === 0) missing.push(p);
    return missing.length === 0 ? 'none missing' : `partition${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${this.count} have no shard`;
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private complete(): boolean {
    if (this.count === undefined || this.count === 0) return false;
    for (let p = 0; p < this.count; p++) if (this.addressesOf(p).length === 0) return false;
    return true;
  }

  private recompute(): void {
    const members = this.members.members();
    if (this.count === undefined) {
      for (const m of members) {
        const n = intAttribute(m, FLORIN_SHARD_COUNT);
        if (n !== undefined && n > 0) {
          this.count = n;
          break;
        }
      }
    }
    const count = this.count ?? 0;
    const next: string[][] = Array.from({ length: count }, () => []);
    for (const m of members) {
      const partition = intAttribute(m, FLORIN_PARTITION);
      const ofCount = intAttribute(m, FLORIN_SHARD_COUNT);
      if (partition === undefined || partition >= count || (ofCount !== undefined && ofCount !== count)) {
        this.warnOnce(m, partition === undefined ? `has no valid ${FLORIN_PARTITION} attribute` : `is partition ${partition} of ${ofCount ?? '?'}, this cluster has ${count} partitions`);
        continue;
      }
      next[partition]!.push(m.address);
    }
    for (const list of next) list.sort();
    if (sameLists(next, this.byPartition)) return;
    this.byPartition = next;
    for (const listener of [...this.listeners]) listener();
  }

  private warnOnce(m: Member, why: string): void {
    const key = `${m.id}@${m.address}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.log({ level: 'warn', message: `skipping shard member ${m.id} at ${m.address}: it ${why}` });
  }
}

function intAttribute(m: Member, name: string): number | undefined {
  const text = m.attributes[name];
  if (text === undefined || !/^\d{1,9}$/.test(text)) return undefined;
  return Number(text);
}

function sameLists(a: readonly (readonly string[])[], b: readonly (readonly string[])[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((list, i) => list.length === b[i]!.length && list.every((x, j) => x === b[i]![j]));
}
