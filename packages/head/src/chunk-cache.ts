import { LRUCache } from 'lru-cache';
import { chunkPrefix, type ChunkData } from './chunk-data.js';
import type { SeriesIndex } from './extent-index.js';

/** A cached chunk of one field of one series: its rows before `validTo` (all of them when validTo is the chunk's end). */
export interface CachedChunk {
  /** The field key (dataset, symbol, field; field-key.ts). */
  readonly seriesKey: string;
  readonly chunk: number;
  readonly data: ChunkData;
  /**
   * End (exclusive, epoch ms) of the part of the chunk this entry is known to
   * hold: the chunk's end, or for the chunk at the live edge the settled part
   * (now - freshnessMs when it was fetched). Rows from here on must be fetched (a delta).
   */
  readonly validTo: number;
}

/**
 * The byte-bounded LRU of chunks (whole, or the settled part of the chunk at the live edge) (lru-cache `maxSize` with a size per
 * chunk). Every way a chunk leaves (eviction, invalidation, clearing) runs
 * `dispose`, which unmarks it in the SeriesIndex, so the index never claims a
 * chunk the cache no longer holds.
 */
export class ChunkCache {
  private readonly lru: LRUCache<string, CachedChunk>;
  private evictionCount = 0;

  constructor(
    readonly maxBytes: number,
    private readonly index: SeriesIndex,
  ) {
    this.lru = new LRUCache<string, CachedChunk>({
      maxSize: maxBytes,
      sizeCalculation: (entry) => entry.data.bytes,
      dispose: (entry, _key, reason) => {
        // 'set' means the key now holds a newer chunk: it stays loaded.
        if (reason === 'set') return;
        this.index.unmarkLoaded(entry.seriesKey, entry.chunk);
        if (reason === 'evict') this.evictionCount++;
      },
    });
  }

  /** Bytes held (sum of chunk sizes). */
  get bytes(): number {
    return this.lru.calculatedSize;
  }

  get entries(): number {
    return this.lru.size;
  }

  /** Chunks pushed out by the byte bound since the cache was made. */
  get evictions(): number {
    return this.evictionCount;
  }

  /** The chunk if cached, whole or its settled part (and marks it recently used). */
  get(seriesKey: string, chunk: number): CachedChunk | undefined {
    return this.lru.get(cacheKey(seriesKey, chunk));
  }

  /**
   * Caches a chunk (whole, or its rows before `validTo`) and marks it loaded.
   * False when it is larger than the whole cache (then it is not kept).
   */
  set(seriesKey: string, chunk: number, data: ChunkData, validTo: number): boolean {
    const key = cacheKey(seriesKey, chunk);
    const entry: CachedChunk = { seriesKey, chunk, data, validTo };
    this.lru.set(key, entry);
    if (this.lru.peek(key) !== entry) return false;
    this.index.markLoaded(seriesKey, chunk);
    return true;
  }

  /**
   * Caches what of a whole chunk [start, end) is settled (older than
   * `settledBefore`): all of it, or the rows before `settledBefore` when the
   * chunk reaches past it, or nothing when it starts after it.
   */
  keepSettled(seriesKey: string, chunk: number, data: ChunkData, start: number, end: number, settledBefore: number): void {
    if (end <= settledBefore) this.set(seriesKey, chunk, data, end);
    else if (settledBefore > start) this.set(seriesKey, chunk, chunkPrefix(data, settledBefore), settledBefore);
  }

  delete(seriesKey: string, chunk: number): boolean {
    return this.lru.delete(cacheKey(seriesKey, chunk));
  }

  clear(): void {
    this.lru.clear();
  }
}

function cacheKey(seriesKey: string, chunk: number): string {
  return `${seriesKey}\u0000${chunk}`;
}
