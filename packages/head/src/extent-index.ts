import type { ChunkSpan } from './chunk-grid.js';
import type { FetchGroup } from './fetch-group.js';

/**
 * What the head node holds of one field key (dataset + symbol + field, see
 * field-key.ts), on its chunk grid: chunks loaded in the cache and chunks
 * being fetched (with the fetch that brings them). The cache stores one field
 * per entry, so there is one index per field key.
 */
export class ExtentIndex {
  readonly loaded = new Set<number>();
  readonly inflight = new Map<number, FetchGroup>();

  get empty(): boolean {
    return this.loaded.size === 0 && this.inflight.size === 0;
  }

  /** Loaded chunks inside `span`, ascending. */
  loadedIn(span: ChunkSpan): number[] {
    return inSpan(span, this.loaded.size, (c) => this.loaded.has(c), this.loaded);
  }

  /** In-flight chunks inside `span`, ascending. */
  inflightIn(span: ChunkSpan): number[] {
    return inSpan(span, this.inflight.size, (c) => this.inflight.has(c), this.inflight.keys());
  }
}

/** Members of a set of chunks inside `span`, walking whichever is smaller: the span or the set. */
function inSpan(span: ChunkSpan, size: number, has: (c: number) => boolean, members: Iterable<number>): number[] {
  const out: number[] = [];
  if (span.end - span.first <= size) {
    for (let c = span.first; c < span.end; c++) if (has(c)) out.push(c);
    return out;
  }
  for (const c of members) if (c >= span.first && c < span.end) out.push(c);
  return out.sort((a, b) => a - b);
}

/** The ExtentIndex of every field key the head node knows, created on demand and dropped when empty. */
export class SeriesIndex {
  private readonly keys = new Map<string, ExtentIndex>();

  get size(): number {
    return this.keys.size;
  }

  get(key: string): ExtentIndex | undefined {
    return this.keys.get(key);
  }

  inflight(key: string, chunk: number): FetchGroup | undefined {
    return this.keys.get(key)?.inflight.get(chunk);
  }

  setInflight(key: string, chunk: number, group: FetchGroup): void {
    this.ensure(key).inflight.set(chunk, group);
  }

  /** Removes the in-flight mark of `chunk` if it still belongs to `group`; true when it did. */
  clearInflight(key: string, chunk: number, group: FetchGroup): boolean {
    const index = this.keys.get(key);
    if (!index || index.inflight.get(chunk) !== group) return false;
    index.inflight.delete(chunk);
    this.prune(key, index);
    return true;
  }

  /** Forgets the in-flight chunks of `key` inside `span` (their fetch goes on, but will not be cached). */
  detachInflight(key: string, span: ChunkSpan): number {
    const index = this.keys.get(key);
    if (!index) return 0;
    const chunks = index.inflightIn(span);
    for (const c of chunks) index.inflight.delete(c);
    this.prune(key, index);
    return chunks.length;
  }

  markLoaded(key: string, chunk: number): void {
    this.ensure(key).loaded.add(chunk);
  }

  unmarkLoaded(key: string, chunk: number): void {
    const index = this.keys.get(key);
    if (!index) return;
    index.loaded.delete(chunk);
    this.prune(key, index);
  }

  loadedIn(key: string, span: ChunkSpan): number[] {
    return this.keys.get(key)?.loadedIn(span) ?? [];
  }

  /** Every key with its index (for invalidating a whole dataset or clearing). */
  entries(): IterableIterator<[string, ExtentIndex]> {
    return this.keys.entries();
  }

  private ensure(key: string): ExtentIndex {
    let index = this.keys.get(key);
    if (!index) this.keys.set(key, (index = new ExtentIndex()));
    return index;
  }

  private prune(key: string, index: ExtentIndex): void {
    if (index.empty) this.keys.delete(key);
  }
}
