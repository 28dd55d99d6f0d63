import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { framesBitEqual, sliceRows, lowerBound, type SeriesFrame } from '@florin/core';
import type { DataClient } from '@florin/client';
import type { SampleMarket } from '@florin/store';
import type { Redis } from 'ioredis';
import { servingPort } from './child-reply.js';
import { decodeSeriesBytes, seriesBytes } from './redis-baseline.js';
import { timeInterleaved, type Operation, type Timing, type TimingOptions } from './timing.js';

/** A read shape QCUs make: symbols x years of daily bars x fields. */
export interface ReadShape {
  readonly name: string;
  readonly symbols: number;
  readonly years: number;
  readonly fields: readonly string[];
}

export const READ_SHAPES: readonly ReadShape[] = [
  { name: '1 sym x 1 y x 1 field', symbols: 1, years: 1, fields: ['close'] },
  { name: '10 sym x 10 y x close', symbols: 10, years: 10, fields: ['close'] },
  { name: '50 sym x 10 y x 5 fields', symbols: 50, years: 10, fields: ['open', 'high', 'low', 'close', 'volume'] },
];

/** Reads in flight in the concurrent mode. */
export const IN_FLIGHT = 32;

export interface ShapeTiming {
  readonly florin: Timing;
  readonly redis: Timing | undefined;
  readonly grpc: Timing;
}

export interface ShapeResult {
  readonly shape: ReadShape;
  readonly bytes: number;
  readonly serial: ShapeTiming;
  readonly concurrent: ShapeTiming;
}

/**
 * A bare grpc-js unary call answering a fixed payload: the floor of any read
 * over gRPC. Its server runs in a process of its own (grpc-floor-process.ts),
 * as a head node does, so the floor pays the same process crossing a Florin
 * read does (in this process it answered serial 4 KB calls 1.2x faster: 4,599
 * against 3,737 calls/s, 2026-12-07; docs/performance.md).
 */
export class GrpcFloor {
  private child: ChildProcess | undefined;
  private client: grpc.Client | undefined;

  async start(): Promise<void> {
    const child = fork(FLOOR_SCRIPT, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.child = child;
    let port: number;
    try {
      port = await servingPort(child, 'grpc floor');
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    this.client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  }

  /** An operation: one unary call answering `bytes` bytes. */
  operation(bytes: number): Operation {
    const client = this.client!;
    const request = Buffer.alloc(4);
    request.writeUInt32LE(bytes, 0);
    return () =>
      new Promise<number>((resolve, reject) =>
        client.makeUnaryRequest('/bench.Floor/Get', (b: Buffer) => b, (b: Buffer) => b, request, (err, value) => (err ? reject(err) : resolve(value!.length === bytes ? 1 : 0))),
      );
  }

  close(): void {
    this.client?.close();
    if (this.child?.connected) this.child.send('close');
    else this.child?.kill('SIGTERM');
  }
}

const FLOOR_SCRIPT = fileURLToPath(new URL('./grpc-floor-process.js', import.meta.url));

/** `op` run `n` at a time: one call of the result is n reads. */
function inFlight(op: Operation, n: number): Operation {
  return async (i) => {
    const all = await Promise.all(Array.from({ length: n }, (_, k) => op(i * n + k)));
    return all.reduce((a, b) => a + b, 0);
  };
}

/**
 * Times one shape: Florin's cache-hit read through the SDK (owner routing),
 * ioredis MGET of the same float64 bytes (one key per symbol), and a bare
 * grpc-js unary call answering as many bytes; serial and IN_FLIGHT at once.
 * Units are reads. Florin's first answer is checked bit for bit against the
 * generated market, and Redis's against Florin's.
 */
export async function timeShape(
  data: DataClient,
  market: SampleMarket,
  shape: ReadShape,
  redis: Redis | undefined,
  floor: GrpcFloor,
  timing: TimingOptions,
  rounds: number,
): Promise<ShapeResult> {
  const symbols = market.symbols.slice(0, shape.symbols);
  const last = market.timestamps[market.timestamps.length - 1]!;
  const end = last + 1;
  const start = end - shape.years * 365 * 86_400_000;
  const query = { dataset: market.dataset.name, symbols, fields: shape.fields, range: { start, end } };
  const expected = symbols.map((s) => expectedFrame(market.frame(s), shape.fields, start, end));
  const warm = await data.read(query);
  warm.forEach((f, i) => {
    if (!framesBitEqual(f, expected[i]!)) throw new Error(`${shape.name}: Florin's answer for ${symbols[i]} differs from the market`);
  });
  const florinOp: Operation = async () => {
    const frames = await data.read(query);
    return frames.length === symbols.length ? 1 : 0;
  };
  const bytes = expected.reduce((n, f) => n + f.timestamps.byteLength * (1 + f.columns.length), 0);
  let redisOp: Operation | undefined;
  const keys = symbols.map((s) => `florin:bench:shape:${shape.name}:${s}`);
  if (redis) {
    for (const [i, key] of keys.entries()) await redis.set(key, seriesBytes(expected[i]!.timestamps, expected[i]!.columns));
    const read = async (): Promise<SeriesFrame[]> => {
      const values = await redis.mgetBuffer(...keys);
      return values.map((b, i) => {
        if (!b) throw new Error(`redis lost ${keys[i]}`);
        const { timestamps, columns } = decodeSeriesBytes(b, shape.fields.length);
        return { symbol: symbols[i]!, fields: shape.fields, timestamps, columns };
      });
    };
    (await read()).forEach((f, i) => {
      if (!framesBitEqual(f, warm[i]!)) throw new Error(`${shape.name}: redis returned other bytes for ${symbols[i]}`);
    });
    redisOp = async () => ((await read()).length === symbols.length ? 1 : 0);
  }
  const grpcOp = floor.operation(bytes);
  try {
    const run = async (wrap: (op: Operation) => Operation): Promise<ShapeTiming> => {
      const contenders = [{ operation: wrap(florinOp) }, { operation: wrap(grpcOp) }, ...(redisOp ? [{ operation: wrap(redisOp) }] : [])];
      const [florin, grpcTiming, redisTiming] = await timeInterleaved(contenders, timing, rounds);
      return { florin: florin!, grpc: grpcTiming!, redis: redisTiming };
    };
    const serial = await run((op) => op);
    const concurrent = await run((op) => inFlight(op, IN_FLIGHT));
    return { shape, bytes, serial, concurrent };
  } finally {
    if (redis) await redis.del(...keys).catch(() => undefined);
  }
}

function expectedFrame(frame: SeriesFrame, fields: readonly string[], start: number, end: number): SeriesFrame {
  const rows = sliceRows(frame, lowerBound(frame.timestamps, start), lowerBound(frame.timestamps, end));
  return { symbol: frame.symbol, fields, timestamps: rows.timestamps, columns: fields.map((f) => rows.columns[frame.fields.indexOf(f)]!) };
}

/** The JSON of one shape: reads/s of each contender, serial and in flight, and Florin / Redis and Florin / grpc ratios. */
export function shapeJson(r: ShapeResult): object {
  const rate = (t: Timing | undefined): number | null => (t ? Math.round(t.unitsPerSec) : null);
  const part = (t: ShapeTiming): object => ({
    florinReadsPerSec: rate(t.florin),
    redisReadsPerSec: rate(t.redis),
    grpcUnaryPerSec: rate(t.grpc),
    vsRedis: t.redis ? Math.round((t.florin.unitsPerSec / t.redis.unitsPerSec) * 1000) / 1000 : null,
    vsGrpcFloor: Math.round((t.florin.unitsPerSec / t.grpc.unitsPerSec) * 1000) / 1000,
  });
  return { shape: r.shape.name, symbols: r.shape.symbols, years: r.shape.years, fields: r.shape.fields.length, bytes: r.bytes, serial: part(r.serial), inFlight32: part(r.concurrent) };
}
