import { Redis } from 'ioredis';

/** A Redis connection for the baseline, or why there is none. */
export type RedisConnection = { readonly redis: Redis; readonly address: string } | { readonly redis: undefined; readonly address: string; readonly reason: string };

/**
 * Connects to Redis at host:port, failing fast (no retries, no offline
 * queue): an unreachable Redis is reported, not waited for.
 */
export async function connectRedis(address: string, timeoutMs = 2_000): Promise<RedisConnection> {
  const m = /^(.+):(\d+)$/.exec(address);
  if (!m) return { redis: undefined, address, reason: `not host:port: ${JSON.stringify(address)}` };
  const redis = new Redis({
    host: m[1]!,
    port: Number(m[2]),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: Error | undefined;
  redis.on('error', (err: Error) => (lastError = err)); // the cause connect() rejects without
  try {
    await redis.connect();
    await redis.ping();
    return { redis, address };
  } catch (err) {
    redis.disconnect();
    const message = err instanceof Error ? err.message : String(err);
    return { redis: undefined, address, reason: lastError && lastError.message !== message ? `${lastError.message}; ${message}` : message };
  }
}

/** The bytes a head sends for one series: timestamps then each column, float64 little-endian, back to back. */
export function seriesBytes(timestamps: Float64Array, columns: readonly Float64Array[]): Buffer {
  const out = Buffer.allocUnsafe(timestamps.byteLength * (1 + columns.length));
  let at = 0;
  for (const a of [timestamps, ...columns]) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  return out;
}

/**
 * Decodes seriesBytes() into typed arrays: zero-copy Float64Array views when
 * the buffer is 8-byte aligned, one copy into an aligned buffer otherwise
 * (what a client must do either way to hand out Float64Arrays).
 */
export function decodeSeriesBytes(bytes: Buffer, fields: number): { timestamps: Float64Array; columns: Float64Array[] } {
  const width = 1 + fields;
  if (bytes.byteLength % (8 * width) !== 0) throw new Error(`${bytes.byteLength} bytes is not a whole number of ${width}-value rows`);
  const rows = bytes.byteLength / (8 * width);
  let buffer = bytes.buffer;
  let offset = bytes.byteOffset;
  if (offset % 8 !== 0) {
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    buffer = copy.buffer;
    offset = 0;
  }
  const view = (k: number): Float64Array => new Float64Array(buffer, offset + 8 * rows * k, rows);
  return { timestamps: view(0), columns: Array.from({ length: fields }, (_, i) => view(1 + i)) };
}
