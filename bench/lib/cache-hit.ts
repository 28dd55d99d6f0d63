import { framesBitEqual, type SeriesFrame } from '@florin/core';
import type { DataClient, HeadClient } from '@florin/client';
import { MINUTE_DATASET, minuteRange } from './minute-series.js';
import { decodeSeriesBytes, seriesBytes } from './redis-baseline.js';
import type { Redis } from 'ioredis';
import type { Operation } from './timing.js';

/** A cache-hit read of one whole minute series from its owning head, after a warm-up read that fills the cache. */
export interface CacheHitReader {
  readonly client: HeadClient;
  readonly operation: Operation;
}

/**
 * The owning head's client and an operation reading all of `frame` from it
 * (resolving the points decoded: rows x fields). The warm-up read is checked
 * bit for bit against `frame`.
 */
export async function cacheHitReader(data: DataClient, frame: SeriesFrame): Promise<CacheHitReader> {
  const client = data.client(data.ownerOf(MINUTE_DATASET.name, frame.symbol));
  const query = { dataset: MINUTE_DATASET.name, symbols: [frame.symbol], fields: MINUTE_DATASET.fields, range: minuteRange(frame.timestamps.length) };
  const [warm] = await client.read(query);
  if (!warm || !framesBitEqual(warm, frame)) throw new Error(`the head's answer for ${frame.symbol} differs from what was written`);
  return {
    client,
    operation: async () => {
      const [f] = await client.read(query);
      return f!.timestamps.length * f!.columns.length;
    },
  };
}

/**
 * Stores the bytes a head would send for `frame` (timestamps + columns,
 * float64 LE) under `key`, and an operation GETting them (getBuffer) and
 * decoding them into Float64Arrays. The first GET is checked bit for bit.
 */
export async function redisReader(redis: Redis, key: string, frame: SeriesFrame): Promise<Operation> {
  await redis.set(key, seriesBytes(frame.timestamps, frame.columns));
  const read = async (): Promise<SeriesFrame> => {
    const bytes = await redis.getBuffer(key);
    if (!bytes) throw new Error(`redis lost key ${key}`);
    const { timestamps, columns } = decodeSeriesBytes(bytes, frame.columns.length);
    return { symbol: frame.symbol, fields: frame.fields, timestamps, columns };
  };
  if (!framesBitEqual(await read(), frame)) throw new Error(`redis returned other bytes for ${key}`);
  return async () => {
    const f = await read();
    return f.timestamps.length * f.columns.length;
  };
}
