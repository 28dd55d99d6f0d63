import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, loadPackageDefinition, type Client, type ClientReadableStream, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';
import { createClient, type ReadChunkMessage, type ReadRequestMessage } from '@florin/core';
import { ShardClient } from '@florin/shard-client';
import { DuckDbStore } from '@florin/store';
import { SHARD_SERVICE, ShardServer } from '@florin/shard';
import { expectSameSeries, syntheticFrame } from '@florin/test-support';

type Status = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
interface HealthClient extends Client {
  check(req: { service: string }, cb: (err: Error | null, res?: { status: Status }) => void): void;
  watch(req: { service: string }): ClientReadableStream<{ status: Status }>;
}
const Health = (
  loadPackageDefinition(loadSync(protoPath, { enums: String, defaults: true })) as unknown as {
    grpc: { health: { v1: { Health: ServiceClientConstructor } } };
  }
).grpc.health.v1.Health;

function check(client: HealthClient, service: string): Promise<Status> {
  return new Promise((resolve, reject) => client.check({ service }, (err, res) => (err ? reject(err) : resolve(res!.status))));
}

interface RawShard extends Client {
  Read(request: ReadRequestMessage, options: object): ClientReadableStream<ReadChunkMessage>;
}

const DATASET = { name: 'ticks', fields: ['price', 'size'], frequency: '1s' };
const START = Date.UTC(2024, 5, 3);
// More than the 16 MiB HTTP/2 windows, so a paused reader really holds the call open on the server.
const ROWS = 1_500_000;

describe('shard lifecycle', () => {
  let dir: string;
  let store: DuckDbStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'florin-shard-life-'));
    store = new DuckDbStore({ path: join(dir, 'shard.duckdb') });
    await store.open();
    await store.createDataset(DATASET);
    await store.write(DATASET.name, [syntheticFrame('BTC', DATASET.fields, ROWS, START, 1_000, 5)]);
  });
  afterAll(async () => {
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('moves created -> serving -> draining -> stopped; close is idempotent and safe before start', async () => {
    const never = new ShardServer({ store, shardId: 0, shardCount: 1 });
    expect(never.state).toBe('created');
    await never.close();
    await never.close();
    expect(never.state).toBe('stopped');
    await expect(never.start()).rejects.toThrow(/cannot start: shard server is stopped/);

    const shard = new ShardServer({ store, shardId: 0, shardCount: 1 });
    const { address, port } = await shard.start();
    expect(port).toBeGreaterThan(0);
    expect(address).toBe(`127.0.0.1:${port}`);
    expect(await shard.start()).toEqual({ address, port });
    expect(shard.state).toBe('serving');
    const closing = shard.close();
    expect(shard.state).toBe('draining');
    await closing;
    expect(shard.state).toBe('stopped');
    await shard.close();
  });

  it('leave(): NOT_SERVING while new calls are still answered through the drain notice; close() cuts the notice short', async () => {
    const shard = new ShardServer({ store, shardId: 0, shardCount: 1 });
    const { address } = await shard.start();
    const health = new Health(address, credentials.createInsecure()) as unknown as HealthClient;
    const shardClient = new ShardClient(address);
    try {
      const started = Date.now();
      const leaving = shard.leave(60_000);
      expect(shard.state).toBe('leaving');
      expect(shard.leave(60_000)).toBe(leaving); // idempotent
      expect(await check(health, SHARD_SERVICE)).toBe('NOT_SERVING');
      // A caller that still holds the address (discovery has not told it yet) is answered: a new call, after leave().
      expect(await shardClient.describe()).toEqual({ shardId: 0, shardCount: 1, store: 'duckdb' });
      expect(shard.state).toBe('leaving');
      await shard.close(1_000);
      await leaving; // ended by close(), not by the 60 s notice
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(shard.state).toBe('stopped');
      await expect(shardClient.describe({ deadlineMs: 2_000 })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      health.close();
      shardClient.close();
      await shard.close();
    }
  });

  it('rejects bad options with precise messages', () => {
    expect(() => new ShardServer({ store, shardId: 2, shardCount: 2 })).toThrow('shardId must be an integer in [0, 2), got 2');
    expect(() => new ShardServer({ store, shardId: 0, shardCount: 0 })).toThrow('shardCount must be a positive integer, got 0');
    expect(() => new ShardServer({ store, shardId: 0, shardCount: 1, limits: { chunkBytes: -1 } })).toThrow(/chunkBytes/);
  });

  it('reports health, and finishes an in-flight read during a graceful close', async () => {
    const shard = new ShardServer({ store, shardId: 0, shardCount: 1, limits: { chunkBytes: 64 * 1024 } });
    const { address } = await shard.start();
    const health = new Health(address, credentials.createInsecure()) as unknown as HealthClient;
    const shardClient = new ShardClient(address);
    const raw = createClient<RawShard>(SHARD_SERVICE, address, { maxMessageBytes: 64 * 1024 * 1024 });
    try {
      expect(await check(health, '')).toBe('SERVING');
      expect(await check(health, SHARD_SERVICE)).toBe('SERVING');
      expect(await shardClient.describe()).toEqual({ shardId: 0, shardCount: 1, store: 'duckdb' });

      // A watch opened while serving sees the switch to NOT_SERVING when draining begins.
      const watch = health.watch({ service: SHARD_SERVICE });
      const statuses: Status[] = [];
      const notServing = new Promise<void>((resolve) =>
        watch.on('data', (m: { status: Status }) => {
          statuses.push(m.status);
          if (m.status === 'NOT_SERVING') resolve();
        }),
      );
      watch.on('error', () => undefined);
      await new Promise<void>((resolve) => watch.once('data', () => resolve()));

      // Start a big read, take its first chunk, then pause while the server drains.
      const range = { start: START, end: START + ROWS * 1_000 };
      const call = raw.Read({ dataset: DATASET.name, symbols: ['BTC'], fields: [], startMs: range.start, endMs: range.end }, { deadline: Date.now() + 30_000 });
      const chunks: ReadChunkMessage[] = [];
      const done = new Promise<void>((resolve, reject) => {
        call.on('end', resolve);
        call.on('error', reject);
      });
      await new Promise<void>((resolve) =>
        call.once('data', (c: ReadChunkMessage) => {
          chunks.push(c);
          call.pause();
          resolve();
        }),
      );
      call.on('data', (c: ReadChunkMessage) => chunks.push(c));

      const closing = shard.close(20_000);
      expect(shard.state).toBe('draining');
      await notServing;
      // The paused read keeps the server draining: close has not finished.
      const early = await Promise.race([closing.then(() => 'stopped'), new Promise((r) => setTimeout(r, 200, 'draining'))]);
      expect(early).toBe('draining');
      expect(statuses).toEqual(['SERVING', 'NOT_SERVING']);
      watch.cancel();

      call.resume();
      await done;
      await closing;
      expect(shard.state).toBe('stopped');
      expect(chunks.length).toBeGreaterThan(10);

      const blocks = chunks.flatMap((c) => c.blocks);
      expect(blocks.at(-1)!.last).toBe(true);
      const bytes = (pick: (b: (typeof blocks)[number]) => Uint8Array): Float64Array => {
        const joined = Buffer.concat(blocks.map(pick));
        return new Float64Array(joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength));
      };
      const got = { symbol: 'BTC', fields: DATASET.fields, timestamps: bytes((b) => b.timestamps), columns: DATASET.fields.map((_, i) => bytes((b) => b.columns[i]!)) };
      const [direct] = await store.read({ dataset: DATASET.name, symbols: ['BTC'], fields: DATASET.fields, range });
      expectSameSeries(got, direct, 'BTC', DATASET.fields);
      expect(got.timestamps.length).toBe(ROWS);
    } finally {
      health.close();
      raw.close();
      shardClient.close();
      await shard.close();
    }
  });
});
