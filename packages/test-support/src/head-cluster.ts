import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, type CallOptions as GrpcCallOptions, type Client, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import {
  createClient,
  emptyFrame,
  fromServiceError,
  resolveLimits,
  shardFor,
  type DatasetInfo,
  type Limits,
  type ReadChunkMessage,
  type ReadRequestMessage,
  type SeriesFrame,
  type WriteRequestMessage,
} from '@florin/core';
import { DuckDbStore, type Store } from '@florin/store';
import { ShardRouter } from '@florin/shard-client';
import { collectReadStream, type SeriesQuery } from '@florin/core';
import { ShardServer } from '@florin/shard';
import { HeadServer, StaticMembership, type HeadMember, type HeadOptions, type HeadStatsSnapshot } from '@florin/head';
import { DAY_MS, prng } from './series.js';
import { RecordingUpstream } from './recording-upstream.js';

export { Gate, RecordingUpstream, type RecordedRead } from './recording-upstream.js';

export interface HeadStub extends Client {
  Read(request: ReadRequestMessage, metadata: Metadata, options: GrpcCallOptions): ClientReadableStream<ReadChunkMessage>;
  Write(request: WriteRequestMessage, options: GrpcCallOptions, cb: (err: ServiceError | null, res?: { rowsWritten: number }) => void): void;
  GetStats(request: { reset: boolean }, cb: (err: ServiceError | null, res?: HeadStatsSnapshot) => void): void;
  DescribeHead(request: object, cb: (err: ServiceError | null, res?: Record<string, unknown>) => void): void;
  ListDatasets(request: object, cb: (err: ServiceError | null, res?: { datasets: DatasetInfo[] }) => void): void;
}

export interface HeadReadOptions {
  coalesce?: boolean;
  deadlineMs?: number;
  signal?: AbortSignal;
}

export interface HeadCluster {
  readonly stores: Store[];
  readonly shards: ShardServer[];
  readonly router: ShardRouter;
  readonly upstream: RecordingUpstream;
  readonly head: HeadServer;
  readonly client: HeadStub;
  /** Reads through HeadService.Read (a real gRPC call): one frame per requested symbol. */
  read(query: SeriesQuery, options?: HeadReadOptions): Promise<SeriesFrame[]>;
  /** Writes through HeadService.Write. */
  write(dataset: string, frames: readonly SeriesFrame[]): Promise<number>;
  /** What the stores hold: read straight from the owning shard's store (empty frame when no rows). */
  direct(query: SeriesQuery): Promise<SeriesFrame[]>;
  /** Read RPCs each shard served, when ShardServer exposes stats(); undefined otherwise. */
  shardReadCalls(): number | undefined;
  stopShard(shardId: number): Promise<void>;
  restartShard(shardId: number): Promise<void>;
  close(): Promise<void>;
}

/** Reads through HeadService.Read on `client`: one frame per requested symbol. */
export function headRead(client: HeadStub, query: SeriesQuery, opts: HeadReadOptions = {}): Promise<SeriesFrame[]> {
  const metadata = new Metadata();
  if (opts.coalesce === false) metadata.set('florin-coalesce', 'off');
  const symbols = [...new Set(query.symbols)];
  const fields = [...(query.fields ?? [])];
  const request: ReadRequestMessage = { dataset: query.dataset, symbols, fields, startMs: query.range.start, endMs: query.range.end };
  const call = client.Read(request, metadata, { deadline: Date.now() + (opts.deadlineMs ?? 30_000) });
  return collectReadStream(call, symbols, fields, opts.signal);
}

/** Writes `frames` (all with the same fields) through HeadService.Write on `client`. */
export function headWrite(client: HeadStub, dataset: string, frames: readonly SeriesFrame[]): Promise<number> {
  const fields = frames[0]!.fields;
  const blocks = frames.map((f) => ({
    symbol: f.symbol,
    timestamps: Buffer.from(f.timestamps.buffer, f.timestamps.byteOffset, f.timestamps.byteLength),
    columns: f.columns.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)),
    last: true,
  }));
  return new Promise((resolve, reject) =>
    client.Write({ dataset, fields: [...fields], blocks, jobId: '', grants: [] }, { deadline: Date.now() + 30_000 }, (err, res) =>
      err ? reject(fromServiceError(err)) : resolve(res!.rowsWritten),
    ),
  );
}

/** Several head nodes forming one logical server over a cluster's shards, each with a raw client (no routing). */
export interface HeadFleet {
  readonly heads: HeadServer[];
  /** Each head's membership (its view of the fleet); setMembers changes them all. */
  readonly memberships: StaticMembership[];
  /** Every head as { id: 'head-<i>', address }. */
  readonly members: HeadMember[];
  readonly clients: HeadStub[];
  read(head: number, query: SeriesQuery, options?: HeadReadOptions): Promise<SeriesFrame[]>;
  write(head: number, dataset: string, frames: readonly SeriesFrame[]): Promise<number>;
  stats(head: number, reset?: boolean): HeadStatsSnapshot;
  /** Gives every running head the same new member list. */
  setMembers(members: readonly HeadMember[]): void;
  /** Stops head `i` (its server and cache); the others keep it as a member. */
  stopHead(head: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts `count` heads (ids head-0..head-<count-1>) over the cluster's
 * (recording) upstream, then tells each of them every member: heads listen on
 * port 0 and learn their peers once all are up.
 */
export async function openHeadFleet(cluster: HeadCluster, count: number, options: HeadOptions = {}): Promise<HeadFleet> {
  const memberships: StaticMembership[] = [];
  const heads: HeadServer[] = [];
  const members: HeadMember[] = [];
  for (let i = 0; i < count; i++) {
    const membership = new StaticMembership(`head-${i}`, []);
    const head = new HeadServer({ upstream: cluster.upstream, ...options, membership });
    memberships.push(membership);
    heads.push(head);
    members.push({ id: membership.selfId, address: (await head.start()).address });
  }
  for (const m of memberships) m.set(members);
  const limits = resolveLimits(options.limits);
  const clients = members.map((m) => createClient<HeadStub>('florin.v1.HeadService', m.address, limits));
  const stopped = new Set<number>();
  let closing: Promise<void> | undefined;
  return {
    heads,
    memberships,
    members,
    clients,
    read: (i, query, opts) => headRead(clients[i]!, query, opts),
    write: (i, dataset, frames) => headWrite(clients[i]!, dataset, frames),
    stats: (i, reset) => heads[i]!.node.stats(reset),
    setMembers(list) {
      memberships.forEach((m, i) => stopped.has(i) || m.set(list));
    },
    async stopHead(i) {
      stopped.add(i);
      await heads[i]!.close(0);
    },
    close() {
      closing ??= (async () => {
        for (const c of clients) c.close();
        await Promise.all(heads.map((h) => h.close(1_000)));
      })();
      return closing;
    },
  };
}

/** Another head node over the cluster's (recording) upstream, with its own client. */
export async function openHead(
  cluster: HeadCluster,
  options: HeadOptions = {},
): Promise<{ head: HeadServer; read: (query: SeriesQuery, opts?: HeadReadOptions) => Promise<SeriesFrame[]>; close: () => Promise<void> }> {
  const head = new HeadServer({ upstream: cluster.upstream, ...options });
  const { address } = await head.start();
  const client = createClient<HeadStub>('florin.v1.HeadService', address, resolveLimits(options.limits));
  return {
    head,
    read: (query, opts) => headRead(client, query, opts),
    close: async () => {
      client.close();
      await head.close(1_000);
    },
  };
}

export interface HeadClusterOptions {
  shardCount?: number;
  shardLimits?: Partial<Limits>;
  head?: HeadOptions;
}

export async function startHeadCluster(options: HeadClusterOptions = {}): Promise<HeadCluster> {
  const shardCount = options.shardCount ?? 2;
  const dir = await mkdtemp(join(tmpdir(), 'florin-head-test-'));
  const stores: Store[] = [];
  const shards: ShardServer[] = [];
  const ports: number[] = [];
  const addresses: string[] = [];
  for (let shardId = 0; shardId < shardCount; shardId++) {
    const store = new DuckDbStore({ path: join(dir, `shard-${shardId}.duckdb`) });
    await store.open();
    stores.push(store);
    const shard = new ShardServer({ store, shardId, shardCount, limits: options.shardLimits });
    shards.push(shard);
    const started = await shard.start();
    ports.push(started.port);
    addresses.push(started.address);
  }
  const router = new ShardRouter(addresses);
  const upstream = new RecordingUpstream(router);
  const head = new HeadServer({ upstream, ...options.head });
  const { address } = await head.start();
  const limits = resolveLimits(options.head?.limits);
  const client = createClient<HeadStub>('florin.v1.HeadService', address, limits);
  let closing: Promise<void> | undefined;

  const cluster: HeadCluster = {
    stores,
    shards,
    router,
    upstream,
    head,
    client,
    read: (query, opts) => headRead(client, query, opts),
    write: (dataset, frames) => headWrite(client, dataset, frames),
    async direct(query) {
      const dataset = await stores[0]!.getDataset(query.dataset);
      const fields = query.fields && query.fields.length > 0 ? query.fields : dataset!.fields;
      return Promise.all(
        [...new Set(query.symbols)].map(async (symbol) => {
          const store = stores[shardFor(query.dataset, symbol, shardCount)]!;
          const [frame] = await store.read({ dataset: query.dataset, symbols: [symbol], fields, range: query.range });
          return frame && frame.timestamps.length > 0 ? frame : emptyFrame(symbol, fields);
        }),
      );
    },
    shardReadCalls() {
      let total = 0;
      for (const s of shards) {
        const stats = (s as unknown as { stats?: () => { readCalls: number } }).stats;
        if (typeof stats !== 'function') return undefined;
        total += stats.call(s).readCalls;
      }
      return total;
    },
    async stopShard(shardId) {
      await shards[shardId]!.close(0);
    },
    async restartShard(shardId) {
      const shard = new ShardServer({ store: stores[shardId]!, shardId, shardCount, port: ports[shardId], limits: options.shardLimits });
      shards[shardId] = shard;
      await shard.start();
    },
    close() {
      closing ??= (async () => {
        client.close();
        await head.close(1_000);
        router.close();
        await Promise.all(shards.map((s) => s.close(1_000)));
        await Promise.all(stores.map((s) => s.close()));
        await rm(dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
  return cluster;
}

export { DAY_MS, OHLCV, prng, utc } from './series.js';

const AWKWARD = [-0, 5e-324, Number.MAX_VALUE, -Infinity, Infinity, 0.1 + 0.2];

/** Bars every `stepMs` in [fromMs, toMs) (weekends skipped for daily bars), random-walk values with awkward floats mixed in. */
export function marketFrame(symbol: string, fields: readonly string[], fromMs: number, toMs: number, stepMs: number, seed: number): SeriesFrame {
  const next = prng(seed);
  const ts: number[] = [];
  for (let t = fromMs; t < toMs; t += stepMs) {
    const day = new Date(t).getUTCDay();
    if (stepMs >= DAY_MS && (day === 0 || day === 6)) continue;
    ts.push(t);
  }
  const timestamps = Float64Array.from(ts);
  const columns = fields.map(() => new Float64Array(ts.length));
  let price = 50 + next() * 100;
  for (let i = 0; i < ts.length; i++) {
    price *= 1 + (next() - 0.5) * 0.04;
    columns.forEach((c, f) => (c[i] = i % 101 === 7 ? AWKWARD[(i + f) % AWKWARD.length]! : price * (1 + f / 100) + next() * 1e-9));
  }
  return { symbol, fields, timestamps, columns };
}

/** Creates `dataset` on every shard, then writes `frames` into the owning shards' stores (no request limits). */
export async function seed(cluster: HeadCluster, info: DatasetInfo, frames: readonly SeriesFrame[]): Promise<void> {
  await cluster.router.createDataset(info);
  for (const frame of frames) {
    await cluster.stores[shardFor(info.name, frame.symbol, cluster.stores.length)]!.write(info.name, [frame]);
  }
}

