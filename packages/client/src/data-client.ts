import { FlorinError, failedPrecondition, type DatasetInfo, type Limits, type SeriesFrame } from '@florin/core';
import type { CallOptions } from '@florin/core';
import type { SeriesQuery, WriteOptions } from '@florin/core';
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
   * or `{ id, address }` members with the ids the heads were started with
   * (`florin head --node-id`), so the SDK and the heads agree on every key's
   * owner. Every process given the same list routes every key to the same head.
   */
  heads: readonly (string | HeadMember)[];
  /** Channel limits and the default deadline of every call. Defaults: DEFAULT_LIMITS. */
  limits?: Partial<Limits>;
}

/**
 * The SDK's data client: reads and writes through the head nodes, each series
 * key going to the head that owns it (HeadRing), so each head caches and
 * coalesces its own keys. A call for many keys becomes one call per owning
 * head, in parallel, merged back into request order.
 *
 * No failover (for now): when the owning head of a key is unavailable the call
 * rejects with UNAVAILABLE naming that head, although any other head could
 * serve the key. Retry, or build a client without that head.
 */
export class DataClient {
  /** Ownership over the head ids. */
  readonly ring: HeadRing;
  /** The heads as { id, address }, in the order given. */
  readonly members: readonly HeadMember[];
  private readonly clients: ReadonlyMap<string, HeadClient>;
  private closed = false;

  constructor(options: DataClientOptions) {
    if (!options || !Array.isArray(options.heads) || options.heads.length === 0) {
      throw new TypeError('DataClient needs at least one head address in options.heads');
    }
    this.members = Object.freeze(options.heads.map(toMember));
    this.ring = new HeadRing(this.members.map((m) => m.id));
    this.clients = new Map(this.members.map((m) => [m.id, new HeadClient(m.address, { limits: options.limits })]));
  }

  /** The head ids (their addresses when none were given), in the order given. */
  get heads(): readonly string[] {
    return this.ring.nodes;
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

  /**
   * Reads from every owning head in parallel: one frame per distinct requested
   * symbol, in request order (empty when it has no rows in range). The first
   * failure cancels the other calls and rejects with that head's status.
   */
  async read(query: SeriesQuery, options?: HeadReadOptions): Promise<SeriesFrame[]> {
    const symbols = [...new Set(query.symbols)];
    // An empty symbol list still goes to a head, which answers INVALID_ARGUMENT like any server.
    const groups = symbols.length > 0 ? this.ring.group(query.dataset, symbols) : new Map([[this.catalogOwner(query.dataset), []]]);
    const parts = await this.fanOut(groups, options, (client, group, callOptions) =>
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
    const groups = groupBy(frames, (frame) => this.ownerOf(dataset, frame.symbol));
    const counts = await this.fanOut(
      groups,
      options,
      (client, group, callOptions) => client.write(dataset, fields, group, { ...callOptions, jobId: options?.jobId }),
      false,
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Datasets the cluster knows, asked of the head that owns the dataset-catalog key. */
  async listDatasets(options?: CallOptions): Promise<DatasetInfo[]> {
    const [list] = await this.fanOut(this.catalogHead(''), options, (client, _unused, callOptions) => client.listDatasets(callOptions));
    return list!;
  }

  /**
   * Every symbol of `dataset` in the cluster, sorted and unique: a
   * whole-dataset universe. Asked of the head that owns the dataset's catalog
   * key, which asks every shard. NOT_FOUND for an unknown dataset.
   */
  async listSymbols(dataset: string, options?: CallOptions): Promise<string[]> {
    const [symbols] = await this.fanOut(this.catalogHead(dataset), options, (client, _unused, callOptions) =>
      client.listSymbols(dataset, callOptions),
    );
    return symbols!;
  }

  /** Creates a dataset on every shard, through the head that owns the dataset's name. */
  async createDataset(info: DatasetInfo, options?: CallOptions): Promise<{ dataset: DatasetInfo; created: boolean }> {
    const [out] = await this.fanOut(this.catalogHead(info.name), options, (client, _unused, callOptions) =>
      client.createDataset(info, callOptions),
    );
    return out!;
  }

  /** Every head's stats, in `heads` order; with `reset`, each head's counters restart from zero afterwards. */
  stats(reset = false, options?: CallOptions): Promise<HeadStats[]> {
    const every = new Map(this.heads.map((h) => [h, undefined]));
    return this.fanOut(every, options, (client, _unused, callOptions) => client.stats({ ...callOptions, reset }), false);
  }

  /** Closes every head client. Idempotent; calls after close reject with FAILED_PRECONDITION. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.clients.values()) c.close();
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

  private catalogHead(name: string): Map<string, undefined> {
    return new Map([[this.catalogOwner(name), undefined]]);
  }

  /** fanOut over head addresses; an UNAVAILABLE head is named in the error. */
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
    `head node ${head} could not serve the call: ${err.message} (DataClient does not fail over: retry, or leave that head out of heads)`,
    { cause: err },
  );
}
