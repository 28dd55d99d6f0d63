/** Options of a PostgreSQL store. */
export interface PostgresStoreOptions {
  /** Connection URL, e.g. postgres://user@host:5432/db. */
  readonly url: string;
  /** Schema holding the catalog and dataset tables; created if missing. Default 'florin'. */
  readonly schema?: string;
  /** Most connections in the pool. Default 4. */
  readonly poolSize?: number;
  /** Most rows one upsert statement carries; larger writes use several statements in one transaction. Default 50,000. */
  readonly batchRows?: number;
  /** Milliseconds to wait for a connection before failing with UNAVAILABLE. Default 10,000. */
  readonly connectTimeoutMs?: number;
}

/** PostgresStoreOptions with defaults applied and checked. */
export interface PostgresStoreConfig {
  readonly url: string;
  readonly schema: string;
  readonly poolSize: number;
  readonly batchRows: number;
  readonly connectTimeoutMs: number;
}

export const POSTGRES_STORE_DEFAULTS = Object.freeze({ schema: 'florin', poolSize: 4, batchRows: 50_000, connectTimeoutMs: 10_000 });

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/** Resolves options over the defaults; rejects invalid ones with a precise TypeError. */
export function resolvePostgresStoreConfig(options: PostgresStoreOptions): PostgresStoreConfig {
  if (!options || typeof options.url !== 'string' || !/^postgres(ql)?:\/\//.test(options.url)) {
    throw new TypeError(`PostgresStore needs a url like postgres://user@host:5432/db, got ${JSON.stringify(options?.url)}`);
  }
  const schema = options.schema ?? POSTGRES_STORE_DEFAULTS.schema;
  if (!SCHEMA.test(schema)) {
    throw new TypeError(`schema must be lower-case letters, digits and _, starting with a letter or _ (max 63), got ${JSON.stringify(schema)}`);
  }
  const poolSize = positive('poolSize', options.poolSize ?? POSTGRES_STORE_DEFAULTS.poolSize);
  const batchRows = positive('batchRows', options.batchRows ?? POSTGRES_STORE_DEFAULTS.batchRows);
  const connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs ?? POSTGRES_STORE_DEFAULTS.connectTimeoutMs);
  return { url: options.url, schema, poolSize, batchRows, connectTimeoutMs };
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  return value;
}
