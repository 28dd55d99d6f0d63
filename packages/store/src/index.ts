export type { CheckedWrite, Store, StoreReadRequest, StoreState } from './store.js';

export { DuckDbStore } from './duckdb-store.js';
export { type DuckDbStoreOptions, type DuckDbStoreConfig, DUCKDB_STORE_DEFAULTS, resolveDuckDbStoreConfig } from './duckdb-options.js';

export { PostgresStore } from './postgres-store.js';
export { type PostgresStoreOptions, type PostgresStoreConfig, POSTGRES_STORE_DEFAULTS, resolvePostgresStoreConfig } from './postgres-options.js';

export { PostgresWriterLease, type WriterLeaseOptions, type WriterLeaseState, type WriteFence, type FenceQuery, WRITER_LEASE_DEFAULTS, SHARD_WRITERS_TABLE } from './postgres-writer-lease.js';

export { type StoreSpec, openStore } from './open-store.js';

export {
  generateMarket,
  resolveMarketConfig,
  type MarketOptions,
  type MarketConfig,
  type SampleMarket,
  MARKET_DEFAULTS,
  SAMPLE_DATASET,
  OHLCV_FIELDS,
} from './market.js';
export { tradingDays, marketHolidays, easterSunday, utcDay, type CalendarOptions } from './calendar.js';
export { Sfc32 } from './prng.js';

export { importFile, type ImportOptions, type ImportResult, type ImportRejection, type ImportFormat, IMPORT_DEFAULTS } from './import.js';
export { PartitionedStore } from './partitioned-store.js';
