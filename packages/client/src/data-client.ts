import { FlorinError, failedPrecondition, unavailable, type ClientSecurity, type DatasetInfo, type Limits, type MemberSource, type SeriesFrame } from '@florin/core';
import type { CallOptions } from '@florin/core';
import type { CreateDatasetOptions, SeriesQuery, WriteOptions } from '@florin/core';
import { fanOut, framesInRequestOrder, groupBy } from '@florin/core';
import { HeadClient, type HeadReadOptions, type HeadStats } from './head-client.js';
import { HeadRing } from '@florin/core';

/** A head node of the cluster: the stable id ownership hashes, and its address. */
export interface HeadMember {
  readonly id: string;
  readonly address: string;
}

export interface DataClientOptions {
  /**
   * The head nodes: addresses (host:port; then each head's id is its address),
   * `{ id, address }` members with the ids the heads were started with
   * (`florin head --node-id`), so the SDK and the heads agree on every key's
   * owner, or a live MemberSource (a MemberSet from @florin/discovery) that the
   * client follows as heads come and go.
   */
  heads: readonly (string | HeadMember)[] | MemberSource;
  /** Channel limits and the default deadline of every call. Defaults: DEFAULT_LIMITS. */
  limits?: Partial<Limits>;
  /** TLS and the bearer token of every head channel; default none (plaintext). */
  security?: ClientSecurity;
  /**
   * After a head fails a call with UNAVAILABLE, its keys go to the next head on
   * the ring for this long (default 2,000 ms); then it is tried again.
   */
  downForMs?: number;
}

/**
 * The SDK's data client: reads and writes through the head nodes, each series
 * key going to the head that owns it (HeadRing), so each head caches and
 * coalesces its own keys. A call for many keys becomes one call per owning
 * head, in parallel, merged back into request order.
 *
 * Failover: when a head fails a call with UNAVAILABLE, its part of the call is
 * sent again to the heads that own those keys on the ring without it (any head
 * serves any key: a non-owner asks the owner, or the shards), and the head is
 * avoided for downForMs. With a live membership the ring follows discovery.
 */
export class DataClient {
  private current: { ring: HeadRing; members: readonly HeadMember[] } | undefined;
  private readonly clients = new Map<string, HeadClient>();
  private readonly downUntil = new Map<string, number>();
  private readonly source: MemberSource;
  private readonly unsubscribe: () => void;
  private readonly waiters = new Set<() => void>();
  private readonly limits: Partial<Limits> | undefined;
  private readonly security: ClientSecurity | undefined;
  private readonly downForMs: number;
  private closed = false;

  constructor(options: DataClientOptions) {
    if (!options || options.heads === undefined || options.heads === null) throw new TypeError('DataClient needs options.heads');
    this.limits = options.limits;
    this.security = options.security;
    this.downForMs = options.downForMs ?? 2_000;
    if (isMemberSource(options.heads)) {
      this.source = options.heads;
    } else {
      if (!Array.isArray(options.heads) || options.heads.length === 0) throw new TypeError('DataClient needs at least one head address in options.heads');
      const fixed = Object.freeze(options.heads.map(toMember));
      new HeadRing(fixed.map((m) => m.id)); // validates the ids (non-empty, none twice)
      this.source = { description: 'the configured heads', members: () => fixed, onChange: () => () => undefined };
    }
    this.unsubscribe = this.source.onChange(() => this.refresh());
    this.refresh();
  }

  /** Ownership over the current head ids (UNAVAILABLE while no head is known). */
  get ring(): HeadRing {
    if (!this.current) throw unavailable(`no head node is known yet in ${this.source.description}`);
    return this.current.ring;
  }

  /** The heads as { id, address }. */
  get members(): readonly HeadMember[] {
    return this.current?.members ?? [];
  }

  /** The head ids (their addresses when none were given). */
  get heads(): readonly string[] {
    return this.current?.ring.nodes ?? [];
  }

  /** The id of the head that owns (dataset, symbol). */
  ownerOf(dataset: string, symbol: string): string {
    return this.ring.ownerOf(dataset, symbol);
  }

  /** The client of one head, by id (any head serves any key). */
  client(head: string): HeadClient {
    const c = this.clients.get(head);
    if (!c) throw new RangeError(`${head} is not one of this client's heads (${this.heads.join(', ')})`);
    return c;
  }

  /** Resolves once at least one head is known; UNAVAILABLE after timeoutMs. */
  async ready(timeoutMs = 30_000): Promise<void> {
    if (this.current) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(unavailable(`no head node found in ${this.source.description} within ${timeoutMs} ms`));
      }, timeoutMs);
      const wake = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.add(wake);
    });
  }

  /**
   * Reads from every owning head in parallel: one frame per distinct requested
   * symbol, in request order (empty when it has no rows in range). The first
   * failure cancels the other calls and rejects with that head's status.
   */
  async read(query: SeriesQuery, options?: HeadReadOptions): Promise<SeriesFrame[]> {
    const symbols = [...new Set(query.symbols)];
    // An empty symbol list still goes to a head, which answers INVALID_ARGUMENT like any server.
    await this.whenHeads(options);
    if (symbols.length === 0) {
      const parts = await this.fanOut(new Map([[this.catalogOwner(query.dataset), []]]), options, (client, group, callOptions) =>
        client.read({ ...query, symbols: group }, { ...callOptions, coalesce: options?.coalesce }),
      );
      return framesInRequestOrder(symbols, parts);
    }
    const parts = await this.routed(query.dataset, symbols, (s) => s, options, true, (client, group, callOptions) =>
      client.read({ ...query, symbols: group }, { ...callOptions, coalesce: options?.coalesce }),
    );
    return framesInRequestOrder(symbols, parts);
  }

  /**
   * Writes each frame through its owning head (which writes it to the owning
   * shard and drops the cached ranges it touches), in parallel. Each head's
   * part is all-or-nothing; across heads it is not (a failed part can be
   * retried: writes are upserts). Resolves the total rows written.
   */
  async write(dataset: string, fields: readonly string[], frames: readonly SeriesFrame[], options?: WriteOptions): Promise<number> {
    await this.whenHeads(options);
    const counts = await this.routed(dataset, frames, (frame) => frame.symbol, options, false, (client, group, callOptions) =>
      client.write(dataset, fields, group, { ...callOptions, jobId: options?.jobId, grants: options?.grants }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Datasets the cluster knows, asked of the head that owns the dataset-catalog key. */
  async listDatasets(options?: CallOptions): Promise<DatasetInfo[]> {
    return this.catalog('', options, (client, callOptions) => client.listDatasets(callOptions));
  }

  /**
   * Every symbol of `dataset` in the cluster, sorted and unique: a
   * whole-dataset universe. Asked of the head that owns the dataset's catalog
   * key, which asks every shard. NOT_FOUND for an unknown dataset.
   */
  async listSymbols(dataset: string, options?: CallOptions): Promise<string[]> {
    return this.catalog(dataset, options, (client, callOptions) => client.listSymbols(dataset, callOptions));
  }

  /** Creates a dataset on every shard, through the head that owns the dataset's name. */
  async createDataset(info: DatasetInfo, options?: CreateDatasetOptions): Promise<{ dataset: DatasetInfo; created: boolean }> {
    const grants = options?.grants;
    return this.catalog(info.name, options, (client, callOptions) => client.createDataset(info, grants ? { ...callOptions, grants } : callOptions));
  }

  /** Every head's stats, in `heads` order; with `reset`, each head's counters restart from zero afterwards. */
  async stats(reset = false, options?: CallOptions): Promise<HeadStats[]> {
    await this.whenHeads(options);
    const every = new Map(this.heads.map((h) => [h, undefined]));
    return this.fanOut(every, options, (client, _unused, callOptions) => client.stats({ ...callOptions, reset }), false);
  }

  /** Closes every head client. Idempotent; calls after close reject with FAILED_PRECONDITION. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  /** Takes the source's members: a new ring, clients for new heads (or new addresses), old ones closed. */
  private refresh(): void {
    if (this.closed) return;
    const members = this.source.members().map(toMember);
    const ids = new Set(members.map((m) => m.id));
    for (const [id, c] of this.clients) {
      const now = members.find((m) => m.id === id);
      if (ids.has(id) && now?.address === c.address) continue;
      this.clients.delete(id);
      this.downUntil.delete(id);
      c.close();
    }
    for (const m of members) if (!this.clients.has(m.id)) this.clients.set(m.id, new HeadClient(m.address, { limits: this.limits, security: this.security }));
    this.current = members.length > 0 ? { ring: new HeadRing(members.map((m) => m.id)), members: Object.freeze(members) } : undefined;
    if (this.current) for (const wake of [...this.waiters]) wake();
    this.waiters.clear();
  }

  /** Waits (within the call's deadline) for a first head when discovery has not shown one yet. */
  private async whenHeads(options: CallOptions | undefined): Promise<void> {
    if (this.closed) throw failedPrecondition('DataClient is closed');
    if (!this.current) await this.ready(options?.deadlineMs ?? this.clients.values().next().value?.limits.defaultDeadlineMs ?? 30_000);
  }

  /** The ring without the heads that failed recently (the whole ring when every head did). */
  private liveRing(): HeadRing {
    const ring = this.ring;
    const now = Date.now();
    const up = ring.nodes.filter((id) => (this.downUntil.get(id) ?? 0) <= now);
    return up.length === ring.nodes.length || up.length === 0 ? ring : new HeadRing(up);
  }

  /**
   * Sends each item to the head that owns its symbol; a head that fails with
   * UNAVAILABLE is avoided and its items are sent again to their owners on
   * the ring without it (once per head that fails, so at most N tries).
   */
  private async routed<K, R>(
    dataset: string,
    items: readonly K[],
    symbolOf: (item: K) => string,
    options: CallOptions | undefined,
    cancelOnFailure: boolean,
    call: (client: HeadClient, group: K[], options: CallOptions) => Promise<R>,
  ): Promise<R[]> {
    if (this.closed) throw failedPrecondition('DataClient is closed');
    const ring = this.liveRing();
    const groups = groupBy(items, (item) => ring.ownerOf(dataset, symbolOf(item)));
    const parts = await fanOut(
      groups,
      options,
      (head, group, callOptions) =>
        call(this.client(head), group, callOptions).then(
          (r) => [r],
          (err: unknown) => {
            if (err instanceof FlorinError && err.code === 'UNAVAILABLE' && !callOptions.signal?.aborted) {
              this.downUntil.set(head, Date.now() + this.downForMs);
              // Another head can serve these keys (it asks their new owner, or the shards).
              if (!this.liveRing().nodes.includes(head)) return this.routed(dataset, group, symbolOf, callOptions, cancelOnFailure, call);
            }
            return Promise.reject(nameHead(this.describe(head), err));
          },
        ),
      cancelOnFailure,
    );
    return parts.flat();
  }

  /** A head for messages: its address, with its id when that differs. */
  private describe(id: string): string {
    const address = this.clients.get(id)?.address ?? id;
    return address === id ? id : `${id} (${address})`;
  }

  /** The head that answers catalog calls about dataset `name` (any head could). */
  private catalogOwner(name: string): string {
    return this.ring.ownerOfKey(`dataset\u0000${name}`);
  }

  /**
   * A catalog call (any head can answer it) to the head that owns the
   * dataset's catalog key on the live ring; a head that answers UNAVAILABLE
   * is avoided and the call goes to the next owner (at most once per head).
   */
  private async catalog<R>(name: string, options: CallOptions | undefined, call: (client: HeadClient, options: CallOptions) => Promise<R>): Promise<R> {
    await this.whenHeads(options);
    const head = this.liveRing().ownerOfKey(`dataset\u0000${name}`);
    let failed: unknown;
    const [out] = await this.fanOut(new Map([[head, undefined]]), options, (client, _unused, callOptions) =>
      call(client, callOptions).catch((err: unknown) => {
        if (err instanceof FlorinError && err.code === 'UNAVAILABLE' && !callOptions.signal?.aborted) {
          this.downUntil.set(head, Date.now() + this.downForMs);
          if (!this.liveRing().nodes.includes(head)) failed = err;
        }
        return Promise.reject(err);
      }),
    ).catch((err: unknown) => (failed ? [undefined] : Promise.reject(err)));
    if (failed) return this.catalog(name, options, call);
    return out!;
  }

  /** fanOut over head ids; an UNAVAILABLE head is named in the error. */
  private async fanOut<G, R>(
    groups: ReadonlyMap<string, G>,
    options: CallOptions | undefined,
    call: (client: HeadClient, group: G, options: CallOptions) => Promise<R>,
    cancelOnFailure = true,
  ): Promise<R[]> {
    if (this.closed) throw failedPrecondition('DataClient is closed');
    return fanOut(
      groups,
      options,
      (head, group, callOptions) =>
        call(this.client(head), group, callOptions).catch((err: unknown) => Promise.reject(nameHead(this.describe(head), err))),
      cancelOnFailure,
    );
  }
}

function isMemberSource(heads: DataClientOptions['heads']): heads is MemberSource {
  return !Array.isArray(heads) && typeof (heads as MemberSource).members === 'function';
}

function toMember(head: string | HeadMember): HeadMember {
  if (typeof head === 'string') {
    if (head.length === 0) throw new TypeError('head addresses must be non-empty host:port strings');
    return Object.freeze({ id: head, address: head });
  }
  if (!head || typeof head.id !== 'string' || head.id.length === 0 || typeof head.address !== 'string' || head.address.length === 0) {
    throw new TypeError(`a head member needs a non-empty id and address, got ${JSON.stringify(head)}`);
  }
  return Object.freeze({ id: head.id, address: head.address });
}

/** An UNAVAILABLE error from `head`, with the head's address in its message (other errors pass unchanged). */
function nameHead(head: string, err: unknown): unknown {
  if (!(err instanceof FlorinError) || err.code !== 'UNAVAILABLE') return err;
  return new FlorinError(
    'UNAVAILABLE',
    `head node ${head} could not serve the call: ${err.message}`,
    { cause: err },
  );
}
