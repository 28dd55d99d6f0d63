import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, ClientReadableStream } from '@grpc/grpc-js';
import { FlorinError, createClient, fromServiceError, rowBytes, type ReadChunkMessage, type ReadRequestMessage, type SeriesFrame } from '@florin/core';
import { SHARD_SERVICE } from '@florin/shard';
import { startShardCluster as startCluster, type ShardCluster } from '@florin/test-support';
import { expectSameSeries, syntheticFrame } from '@florin/test-support';

const CHUNK_BYTES = 64 * 1024;
const DATASET = { name: 'ticks', fields: ['price', 'size', 'bid', 'ask'], frequency: '1m' };
const START = Date.UTC(2024, 0, 2);
const POINT_LIMIT = 500_000;
const WIDE = Array.from({ length: 10 }, (_, i) => `W${i}`);

interface RawShard extends Client {
  Read(request: ReadRequestMessage, options: object): ClientReadableStream<ReadChunkMessage>;
}

function rawRead(address: string, request: ReadRequestMessage): Promise<ReadChunkMessage[]> {
  const stub = createClient<RawShard>(SHARD_SERVICE, address, { maxMessageBytes: 64 * 1024 * 1024 });
  const chunks: ReadChunkMessage[] = [];
  return new Promise<ReadChunkMessage[]>((resolve, reject) => {
    const call = stub.Read(request, { deadline: Date.now() + 30_000 });
    call.on('data', (c: ReadChunkMessage) => chunks.push(c));
    call.on('error', reject);
    call.on('end', () => resolve(chunks));
  }).finally(() => stub.close());
}

describe('streamed reads', () => {
  let cluster: ShardCluster;
  const frames: SeriesFrame[] = [];

  beforeAll(async () => {
    cluster = await startCluster(1, { chunkBytes: CHUNK_BYTES, maxPointsPerRequest: POINT_LIMIT });
    // One long series (~2.6 MB on the wire) and a few short ones.
    frames.push(syntheticFrame('ES', DATASET.fields, 80_000, START, 60_000, 7));
    for (const [i, s] of ['NQ', 'YM', 'RTY'].entries()) frames.push(syntheticFrame(s, DATASET.fields, 500 + i, START, 60_000, 10 + i));
    await cluster.router.createDataset(DATASET);
    await cluster.router.write(DATASET.name, DATASET.fields, frames);
    // Ten more series of 80,000 points each: together past the point limit, each write within it.
    for (const [i, s] of WIDE.entries()) {
      await cluster.router.write(DATASET.name, DATASET.fields, [syntheticFrame(s, DATASET.fields, 20_000, START, 60_000, 100 + i)]);
    }
  });
  afterAll(() => cluster?.close());

  it('arrives in several bounded messages and is still exact', async () => {
    const symbols = ['NQ', 'ES', 'YM', 'RTY', 'NONE'];
    const request = { dataset: DATASET.name, symbols, fields: [], startMs: START, endMs: START + 100_000 * 60_000 };
    const chunks = await rawRead(cluster.addresses[0]!, request);
    const expectedBytes = frames.reduce((n, f) => n + f.timestamps.length * rowBytes(DATASET.fields.length), 0);
    expect(chunks.length).toBeGreaterThanOrEqual(Math.floor(expectedBytes / CHUNK_BYTES));
    for (const c of chunks) {
      const payload = c.blocks.reduce((n, b) => n + b.timestamps.byteLength + b.columns.reduce((m, col) => m + col.byteLength, 0), 0);
      expect(payload).toBeLessThanOrEqual(CHUNK_BYTES);
    }
    // Symbols arrive in request order; each one's blocks end with exactly one last=true.
    const order = chunks.flatMap((c) => c.blocks.map((b) => b.symbol)).filter((s, i, all) => all.indexOf(s) === i);
    expect(order).toEqual(symbols);
    const esBlocks = chunks.flatMap((c) => c.blocks).filter((b) => b.symbol === 'ES');
    expect(esBlocks.length).toBeGreaterThan(1);
    expect(esBlocks.map((b) => b.last)).toEqual(esBlocks.map((_, i) => i === esBlocks.length - 1));
    const none = chunks.flatMap((c) => c.blocks).filter((b) => b.symbol === 'NONE');
    expect(none).toHaveLength(1);
    expect(none[0]!.last).toBe(true);
    expect(none[0]!.timestamps.byteLength).toBe(0);

    // The same read through ShardClient reassembles exactly what the store holds.
    const got = await cluster.router.client(0).read({ dataset: DATASET.name, symbols, range: { start: request.startMs, end: request.endMs } });
    const direct = await cluster.stores[0]!.read({ dataset: DATASET.name, symbols, fields: DATASET.fields, range: { start: request.startMs, end: request.endMs } });
    expect(got.map((f) => f.symbol)).toEqual(symbols);
    for (const [i, s] of symbols.entries()) {
      expectSameSeries(got[i], direct.find((f) => f.symbol === s), s, DATASET.fields);
      expectSameSeries(got[i], frames.find((f) => f.symbol === s), s, DATASET.fields);
    }
  });

  it('a deadline that cannot be met gives DEADLINE_EXCEEDED, and the shard keeps serving', async () => {
    const range = { start: START, end: START + 100_000 * 60_000 };
    const err = await cluster.router.client(0).read({ dataset: DATASET.name, symbols: ['ES', 'NQ'], range }, { deadlineMs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlorinError);
    expect((err as FlorinError).code).toBe('DEADLINE_EXCEEDED');
    const [es] = await cluster.router.read({ dataset: DATASET.name, symbols: ['ES'], range });
    expectSameSeries(es, frames[0], 'ES', DATASET.fields);
  });

  it('a read that passes the point limit after streaming has begun still fails RESOURCE_EXHAUSTED', async () => {
    const request = { dataset: DATASET.name, symbols: WIDE, fields: [], startMs: START, endMs: START + 20_000 * 60_000 };
    const stub = createClient<RawShard>(SHARD_SERVICE, cluster.addresses[0]!, { maxMessageBytes: 64 * 1024 * 1024 });
    let received = 0;
    const err = await new Promise<unknown>((resolve) => {
      const call = stub.Read(request, { deadline: Date.now() + 30_000 });
      call.on('data', () => received++);
      call.on('error', resolve);
      call.on('end', () => resolve(undefined));
    }).finally(() => stub.close());
    // The shard reads in batches; the first batch went out before the running total passed the limit.
    expect(received).toBeGreaterThan(0);
    const failure = fromServiceError(err);
    expect(failure.code).toBe('RESOURCE_EXHAUSTED');
    expect(failure.message).toContain(`the limit is ${POINT_LIMIT} points per request`);
    const viaClient = await cluster.router.read({ dataset: DATASET.name, symbols: WIDE, range: { start: request.startMs, end: request.endMs } }).catch((e: unknown) => e);
    expect((viaClient as FlorinError).code).toBe('RESOURCE_EXHAUSTED');
  });

  it('streams a field subset in the requested order', async () => {
    const fields = ['ask', 'price'];
    const range = { start: START + 1_000 * 60_000, end: START + 70_000 * 60_000 + 1 };
    const [got] = await cluster.router.read({ dataset: DATASET.name, symbols: ['ES'], fields, range });
    const [direct] = await cluster.stores[0]!.read({ dataset: DATASET.name, symbols: ['ES'], fields, range });
    expect(got!.timestamps.length).toBe(69_001);
    expectSameSeries(got, direct, 'ES', fields);
  });
});
