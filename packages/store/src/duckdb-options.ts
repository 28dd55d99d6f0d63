/** Options of a DuckDB store. */
export interface DuckDbStoreOptions {
  /** Database file (created with its directory if missing), or ':memory:'. One file per shard. */
  readonly path: string;
  /** Connections serving reads concurrently, besides the one connection that writes. Default 2. */
  readonly readConnections?: number;
  /** DuckDB worker threads. Default: DuckDB's own (one per core). */
  readonly threads?: number;
  /** DuckDB memory limit, e.g. '2GB'. Default: DuckDB's own (80% of RAM). */
  readonly memoryLimit?: string;
}

/** DuckDbStoreOptions with defaults applied and checked. */
export interface DuckDbStoreConfig {
  readonly path: string;
  readonly readConnections: number;
  readonly threads: number | undefined;
  readonly memoryLimit: string | undefined;
}

export const DUCKDB_STORE_DEFAULTS = Object.freeze({ readConnections: 2 });

export const MEMORY_PATH = ':memory:';

/** Resolves options over the defaults; rejects invalid ones with a precise TypeError. */
export function resolveDuckDbStoreConfig(options: DuckDbStoreOptions): DuckDbStoreConfig {
  if (!options || typeof options.path !== 'string' || options.path.length === 0) {
    throw new TypeError(`DuckDbStore needs a path (a database file, or '${MEMORY_PATH}')`);
  }
  const readConnections = options.readConnections ?? DUCKDB_STORE_DEFAULTS.readConnections;
  if (!Number.isSafeInteger(readConnections) || readConnections < 1 || readConnections > 64) {
    throw new TypeError(`readConnections must be an integer in [1, 64], got ${String(readConnections)}`);
  }
  const { threads, memoryLimit } = options;
  if (threads !== undefined && (!Number.isSafeInteger(threads) || threads < 1)) {
    throw new TypeError(`threads must be a positive integer, got ${String(threads)}`);
  }
  if (memoryLimit !== undefined && !/^\d+(\.\d+)?\s*[KMGT]i?B$/i.test(memoryLimit)) {
    throw new TypeError(`memoryLimit must look like '512MB' or '2GB', got ${JSON.stringify(memoryLimit)}`);
  }
  return { path: options.path, readConnections, threads, memoryLimit };
}
