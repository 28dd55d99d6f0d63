import {
  failedPrecondition,
  unavailable,
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
 * Where each partition's shards listen: a fixed list (one address per shard id)
 * or a live view (ShardDirectory from @florin/discovery), which may list several
 * shard tasks for a partition on a server store. shardCount never changes.
 */
export interface ShardMembership {
  readonly shardCount: number;
  /** What to name in errors, e.g. "discovery service 'shards'". */
  readonly description: string;
  /** False for a fixed list: nothing will ever change, so waiting for a replacement is pointless. */
  readonly live?: boolean;
  addressesOf(shardId: number): readonly string[];
  onChange(listener: () => void): () => void;
}

export interface ShardRouterOptions extends ShardClientOptions {
  /**
   * After a call to a shard task fails with UNAVAILABLE, other tasks of its
   * partition are preferred for this long (default 2,000 ms); then it is
   * tried again. A partition with one task keeps trying it.
   */
  downForMs?: number;
  /**
   * With a live membership, how long a call keeps waiting for a partition
   * whose every task is unreachable (or that has none right now) to get one
   * back, e.g. a replaced task registering at its new address, before it
   * fails UNAVAILABLE (default 20,000 ms; never past the call's deadline).
   */
  replacementWaitMs?: number;
}

/** A shard task that is not its partition's writer refuses writes (FAILED_PRECONDITION naming the writer). */
function isWriterRefusal(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === 'FAILED_PRECONDITION' && /\bwriter\b/i.test(String((err as Error).message));
}

/** Codes after which a call is tried on another task of the same partition. */
function triesAnotherTask(err: unknown, write: boolean): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (code === 'UNAVAILABLE') return true;
  // The writer is another task.
  return write && isWriterRefusal(err);
}

/**
 * The cluster's data client: routes every series to the partition shardFor()
 * names, and each partition's calls to one of its shard tasks (a healthy one
 * first). A multi-symbol read becomes one call per shard, in parallel, merged
 * back into request order; writes are split the same way. With a live
 * membership, a shard replaced at a new address is used as soon as discovery
 * shows it, and a call that fails UNAVAILABLE on one task of a partition is
 * tried on its other tasks.
 */
export class ShardRouter {
  readonly shardCount: number;
  private readonly membership: ShardMembership;
  private readonly clients = new Map<string, ShardClient>();
  private readonly downUntil = new Map<string, number>();
  private readonly next: number[];
  private readonly unsubscribe: () => void;
  private readonly downForMs: number;
  private readonly replacementWaitMs: number;
  private readonly changeWaiters = new Set<() => void>();
  private closed = false;

  constructor(
    shards: readonly string[] | ShardMembership,
    private readonly options: ShardRouterOptions = {},
  ) {
    this.membership = isShardMembership(shards) ? shards : fixedShards(shards);
    if (this.membership.shardCount <= 0) throw new TypeError(`ShardRouter needs at least one shard address (${this.membership.description} has no shard yet)`);
    this.shardCount = this.membership.shardCount;
    this.next = new Array<number>(this.shardCount).fill(0);
    this.downForMs = options.downForMs ?? 2_000;
    this.replacementWaitMs = this.membership.live === false ? 0 : (options.replacementWaitMs ?? 20_000);
    this.unsubscribe = this.membership.onChange(() => {
      this.dropDeparted();
      for (const wake of [...this.changeWaiters]) wake();
    });
  }

  /** The shard tasks of partition `shardId`, healthy ones first, rotating among them. UNAVAILABLE when it has none. */
  tasks(shardId: number): ShardClient[] {
    if (!Number.isInteger(shardId) || shardId < 0 || shardId >= this.shardCount) {
      throw new RangeError(`no shard ${shardId}; shard ids are 0..${this.shardCount - 1}`);
    }
    const addresses = this.membership.addressesOf(shardId);
    if (addresses.length === 0) throw unavailable(`shard ${shardId} has no task in ${this.membership.description} right now`);
    const now = Date.now();
    const start = this.next[shardId]! % addresses.length;
    this.next[shardId] = start + 1;
    const rotated = [...addresses.slice(start), ...addresses.slice(0, start)];
    const up = rotated.filter((a) => (this.downUntil.get(a) ?? 0) <= now);
    const down = rotated.filter((a) => (this.downUntil.get(a) ?? 0) > now);
    return [...up, ...down].map((a) => this.clientAt(a));
  }

  /** A client of shard `shardId` (a healthy task first). */
  client(shardId: number): ShardClient {
    return this.tasks(shardId)[0]!;
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
    return (await this.writeChecked(dataset, fields, frames, options)).rowsWritten;
  }

  /**
   * A write that also says for which symbols `options.cover` then holds exactly
   * the written rows: those of every shard that answered covered (WriteOutcome.covered).
   */
  async writeChecked(dataset: string, fields: readonly string[], frames: readonly SeriesFrame[], options?: WriteOptions): Promise<RoutedWrite> {
    const groups = groupBy(frames, (frame) => this.shardOf(dataset, frame.symbol));
    // A failed shard does not cancel the others: a write cut off mid-flight would leave its outcome unknown.
    const outcomes = await this.fanOut(
      groups,
      options,
      (client, group, callOptions) =>
        client.writeChecked(dataset, fields, group, { ...callOptions, jobId: options?.jobId, grants: options?.grants, cover: options?.cover }),
      false,
    );
    const parts = [...groups.values()];
    const coveredSymbols = new Set<string>();
    outcomes.forEach((o, i) => {
      if (o.covered) for (const frame of parts[i]!) coveredSymbols.add(frame.symbol);
    });
    return { rowsWritten: outcomes.reduce((n, o) => n + o.rowsWritten, 0), coveredSymbols };
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
          `${this.membership.addressesOf(i).join(' / ')} is shard ${d.shardId} of ${d.shardCount}; this router expects shard ${i} of ${this.shardCount}`,
        );
      }
    });
  }

  /** Closes every client. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const wake of [...this.changeWaiters]) wake();
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  private clientAt(address: string): ShardClient {
    let c = this.clients.get(address);
    if (!c) this.clients.set(address, (c = new ShardClient(address, this.options)));
    return c;
  }

  /** Closes the clients of addresses no partition lists any more. */
  private dropDeparted(): void {
    const live = new Set<string>();
    for (let p = 0; p < this.shardCount; p++) for (const a of this.membership.addressesOf(p)) live.add(a);
    for (const [address, c] of this.clients) {
      if (live.has(address)) continue;
      this.clients.delete(address);
      this.downUntil.delete(address);
      c.close();
    }
  }

  /**
   * Calls `fn` on the partition's tasks in turn until one answers (see
   * triesAnotherTask). When every task failed UNAVAILABLE (or the partition
   * has none), or every task refused a write as a non-writer, and the membership is live, waits for the membership to change
   * or a short pause, then tries again, within replacementWaitMs and the
   * call's signal. Retrying is safe: reads are idempotent and writes upserts.
   */
  private async onPartition<R>(shardId: number, write: boolean, options: CallOptions, fn: (client: ShardClient) => Promise<R>): Promise<R> {
    const { signal } = options;
    const giveUpAt = Date.now() + Math.min(this.replacementWaitMs, options.deadlineMs ?? Infinity);
    for (let pause = 100; ; pause = Math.min(pause * 2, 1_000)) {
      let lastError: unknown;
      try {
        return await this.tryTasks(shardId, write, fn);
      } catch (err) {
        lastError = err;
      }
      const code = (lastError as { code?: unknown }).code;
      // Every task refused the write as a non-writer: a writer lease is changing hands (the old writer
      // died or left); the new writer takes over within the lease's ttl + ttl/5, so keep trying.
      const retryable = code === 'UNAVAILABLE' || (write && isWriterRefusal(lastError));
      if (!retryable || this.closed || signal?.aborted || Date.now() + pause > giveUpAt) throw lastError;
      await this.membershipChangeOr(pause, signal);
    }
  }

  private async tryTasks<R>(shardId: number, write: boolean, fn: (client: ShardClient) => Promise<R>): Promise<R> {
    const tasks = this.tasks(shardId);
    for (let i = 0; ; i++) {
      const client = tasks[i]!;
      try {
        const result = await fn(client);
        this.downUntil.delete(client.address);
        return result;
      } catch (caught) {
        // A task that left the membership meanwhile had its client closed by prune(): the call never reached
        // it (or was cut off), so it is tried elsewhere like an unreachable task (reads are idempotent, writes upserts).
        const err = !this.closed && this.clients.get(client.address) !== client ? unavailable(`shard task ${client.address} left shard ${shardId} during the call`) : caught;
        if ((err as { code?: unknown }).code === 'UNAVAILABLE') this.downUntil.set(client.address, Date.now() + this.downForMs);
        if (i + 1 >= tasks.length || !triesAnotherTask(err, write)) throw err;
      }
    }
  }

  /** Resolves on the next membership change, after `ms`, or when `signal` aborts, whichever comes first. */
  private membershipChangeOr(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.changeWaiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.changeWaiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private everyShard(): Map<number, undefined> {
    return new Map(Array.from({ length: this.shardCount }, (_, i) => [i, undefined]));
  }

  /** fanOut over shard ids, after checking the router is open. */
  private fanOut<G, R>(
    groups: ReadonlyMap<number, G>,
    options: CallOptions | undefined,
    call: (client: ShardClient, group: G, options: CallOptions) => Promise<R>,
    cancelOnFailure = true,
  ): Promise<R[]> {
    if (this.closed) return Promise.reject(failedPrecondition('ShardRouter is closed'));
    const write = !cancelOnFailure;
    return fanOut(groups, options, (shard, group, callOptions) => this.onPartition(shard, write, callOptions, (client) => call(client, group, callOptions)), cancelOnFailure);
  }
}

/** What ShardRouter.writeChecked answers. */
export interface RoutedWrite {
  readonly rowsWritten: number;
  /** Symbols whose shard said the asked cover range holds exactly their written rows. */
  readonly coveredSymbols: ReadonlySet<string>;
}

function isShardMembership(x: readonly string[] | ShardMembership): x is ShardMembership {
  return !Array.isArray(x);
}

function fixedShards(addresses: readonly string[]): ShardMembership {
  const list = [...addresses];
  return { shardCount: list.length, description: 'the configured shard list', live: false, addressesOf: (i) => (list[i] === undefined ? [] : [list[i]]), onChange: () => () => undefined };
}
