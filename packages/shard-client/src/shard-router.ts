import {
  failedPrecondition,
  fanOut,
  framesInRequestOrder,
  groupBy,
  groupByShard,
  mergeSymbols,
  shardFor,
  type CallOptions,
  type DatasetInfo,
  type SeriesFrame,
  type SeriesQuery,
  type WriteOptions,
} from '@florin/core';
import { ShardClient, type ShardClientOptions, type ShardDescription } from './shard-client.js';

/**
 * The cluster's data client: one ShardClient per shard (addresses indexed by
 * shard id), routing every series to the shard shardFor() names. A
 * multi-symbol read becomes one call per shard, in parallel, merged back into
 * request order; writes are split the same way.
 */
export class ShardRouter {
  readonly shardCount: number;
  private readonly clients: readonly ShardClient[];
  private closed = false;

  constructor(addresses: readonly string[], options: ShardClientOptions = {}) {
    if (addresses.length === 0) throw new TypeError('ShardRouter needs at least one shard address');
    this.shardCount = addresses.length;
    this.clients = addresses.map((address) => new ShardClient(address, options));
  }

  /** The client of shard `shardId`. */
  client(shardId: number): ShardClient {
    const c = this.clients[shardId];
    if (!c) throw new RangeError(`no shard ${shardId}; shard ids are 0..${this.shardCount - 1}`);
    return c;
  }

  shardOf(dataset: string, symbol: string): number {
    return shardFor(dataset, symbol, this.shardCount);
  }

  /**
   * Reads from every owning shard in parallel: one frame per distinct
   * requested symbol, in request order. The first failure cancels the other
   * calls and rejects with that shard's status.
   */
  async read(query: SeriesQuery, options?: CallOptions): Promise<SeriesFrame[]> {
    const symbols = [...new Set(query.symbols)];
    // An empty symbol list still goes to a shard, which answers INVALID_ARGUMENT like any server.
    const groups = symbols.length > 0 ? groupByShard(query.dataset, symbols, this.shardCount) : new Map([[0, []]]);
    const parts = await this.fanOut(groups, options, (client, group, callOptions) =>
      client.read({ ...query, symbols: group }, callOptions),
    );
    return framesInRequestOrder(symbols, parts);
  }

  /**
   * Writes each frame to its owning shard, in parallel. Each shard's part is
   * all-or-nothing; across shards it is not (a failed shard's part can be
   * retried: writes are upserts). Resolves the total rows written.
   */
  async write(dataset: string, fields: readonly string[], frames: readonly SeriesFrame[], options?: WriteOptions): Promise<number> {
    const groups = groupBy(frames, (frame) => this.shardOf(dataset, frame.symbol));
    // A failed shard does not cancel the others: a write cut off mid-flight would leave its outcome unknown.
    const counts = await this.fanOut(
      groups,
      options,
      (client, group, callOptions) => client.write(dataset, fields, group, { ...callOptions, jobId: options?.jobId }),
      false,
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Creates the dataset on every shard; `created` is true when any shard created it. */
  async createDataset(info: DatasetInfo, options?: CallOptions): Promise<{ dataset: DatasetInfo; created: boolean }> {
    const all = await this.fanOut(this.everyShard(), options, (client, _unused, callOptions) => client.createDataset(info, callOptions));
    return { dataset: all[0]!.dataset, created: all.some((r) => r.created) };
  }

  /** Datasets known to any shard, by name (shard 0's definitions first). */
  async listDatasets(options?: CallOptions): Promise<DatasetInfo[]> {
    const all = await this.fanOut(this.everyShard(), options, (client, _unused, callOptions) => client.listDatasets(callOptions));
    const byName = new Map<string, DatasetInfo>();
    for (const list of all) for (const d of list) if (!byName.has(d.name)) byName.set(d.name, d);
    return [...byName.values()];
  }

  /** Every symbol of `dataset` across the shards, sorted and unique (NOT_FOUND for an unknown dataset). */
  async listSymbols(dataset: string, options?: CallOptions): Promise<string[]> {
    const all = await this.fanOut(this.everyShard(), options, (client, _unused, callOptions) => client.listSymbols(dataset, callOptions));
    return mergeSymbols(all);
  }

  /** Every shard's self-description, by shard id. */
  describe(options?: CallOptions): Promise<ShardDescription[]> {
    return this.fanOut(this.everyShard(), options, (client, _unused, callOptions) => client.describe(callOptions));
  }

  /** Checks that the shard at each address is the shard id and count this router expects (FAILED_PRECONDITION if not). */
  async verify(options?: CallOptions): Promise<void> {
    const described = await this.describe(options);
    described.forEach((d, i) => {
      if (d.shardId !== i || d.shardCount !== this.shardCount) {
        throw failedPrecondition(
          `${this.clients[i]!.address} is shard ${d.shardId} of ${d.shardCount}; this router expects shard ${i} of ${this.shardCount}`,
        );
      }
    });
  }

  /** Closes every client. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.clients) c.close();
  }

  private everyShard(): Map<number, undefined> {
    return new Map(this.clients.map((_, i) => [i, undefined]));
  }

  /** fanOut over shard ids, after checking the router is open. */
  private fanOut<G, R>(
    groups: ReadonlyMap<number, G>,
    options: CallOptions | undefined,
    call: (client: ShardClient, group: G, options: CallOptions) => Promise<R>,
    cancelOnFailure = true,
  ): Promise<R[]> {
    if (this.closed) return Promise.reject(failedPrecondition('ShardRouter is closed'));
    return fanOut(groups, options, (shard, group, callOptions) => call(this.client(shard), group, callOptions), cancelOnFailure);
  }
}
