import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redactUrl, type SeriesFrame } from '@florin/core';
import { DuckDbStore, PartitionedStore, generateMarket, openStore, type SampleMarket, type Store } from '@florin/store';

/** The sample-market options `florin up` exposes. */
export interface MarketOptions {
  symbols: number;
  years: number;
  seed: number;
}

export const DEFAULT_MARKET: Readonly<MarketOptions> = Object.freeze({ symbols: 500, years: 10, seed: 42 });

/** What a data directory holds, written once its market is loaded. */
interface MarketManifest extends MarketOptions {
  dataset: string;
  shards: number;
  rows: number;
  createdAt: string;
}

export function shardFile(dataDir: string, shardId: number): string {
  return join(dataDir, `shard-${shardId}.duckdb`);
}

const manifestPath = (dataDir: string): string => join(dataDir, 'market.json');

/** Writes every frame of `market` to `store` (a PartitionedStore routes each to its shard), in batches. Returns rows written. */
export async function writeMarket(market: SampleMarket, store: Store, onProgress?: (rows: number) => void): Promise<number> {
  await store.createDataset(market.dataset);
  let batch: SeriesFrame[] = [];
  let rows = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    rows += await store.write(market.dataset.name, batch);
    batch = [];
    onProgress?.(rows);
  };
  for (const frame of market.frames()) {
    batch.push(frame);
    if (batch.length >= 100) await flush();
  }
  await flush();
  return rows;
}

/** The per-shard DuckDB files of a data directory, as one store split by the partition function. */
export function dataDirStore(dataDir: string, shards: number): PartitionedStore {
  return new PartitionedStore(Array.from({ length: shards }, (_, id) => new DuckDbStore({ path: shardFile(dataDir, id) })));
}

/** Records that `dataDir` holds a complete market, so `florin up` does not generate it again. */
export async function recordMarket(dataDir: string, manifest: Omit<MarketManifest, 'createdAt'>): Promise<void> {
  const full: MarketManifest = { ...manifest, createdAt: new Date().toISOString() };
  await writeFile(manifestPath(dataDir), JSON.stringify(full, null, 2) + '\n');
}

/** The shard count a data directory was built for, or undefined when it holds no market yet. */
export async function dataDirShards(dataDir: string): Promise<number | undefined> {
  if (!existsSync(manifestPath(dataDir))) return undefined;
  return (JSON.parse(await readFile(manifestPath(dataDir), 'utf8')) as MarketManifest).shards;
}

/**
 * Makes sure `dataDir` holds the sample market split over `shards` DuckDB files,
 * generating it on first run. Refuses a data directory built for another shard count.
 */
export async function ensureMarket(dataDir: string, shards: number, options: MarketOptions, log: (line: string) => void): Promise<void> {
  if (existsSync(manifestPath(dataDir))) {
    const manifest = JSON.parse(await readFile(manifestPath(dataDir), 'utf8')) as MarketManifest;
    if (manifest.shards !== shards) {
      throw new Error(
        `${dataDir} holds data partitioned over ${manifest.shards} shards, not ${shards}: use --shards ${manifest.shards} or another --data-dir`,
      );
    }
    log(`using the sample market in ${dataDir} (${manifest.symbols} symbols, ${manifest.years} years, ${manifest.rows} rows)`);
    return;
  }
  const market = generateMarket({ symbols: options.symbols, years: options.years, seed: options.seed });
  log(`generating the sample market: ${options.symbols} symbols x ${options.years} years of daily bars over ${shards} shards (first run only)`);
  const started = Date.now();
  const store = dataDirStore(dataDir, shards);
  try {
    await store.open();
    const rows = await writeMarket(market, store);
    await recordMarket(dataDir, { ...options, dataset: market.dataset.name, shards, rows });
    log(`wrote ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await store.close();
  }
}

/**
 * Makes sure the server store at `url` (PostgreSQL) holds the sample market, generating it when its dataset is
 * missing or empty. One store serves every shard (each answers only its partition), so the data is written once,
 * not split by shard; the shard count can change between runs.
 */
export async function ensureServerMarket(url: string, options: MarketOptions, log: (line: string) => void): Promise<void> {
  const market = generateMarket({ symbols: options.symbols, years: options.years, seed: options.seed });
  const store = openStore(url);
  try {
    await store.open();
    const existing = await store.getDataset(market.dataset.name);
    if (existing && (await store.countRows(market.dataset.name)) > 0) {
      log(`using the ${market.dataset.name} dataset in ${redactUrl(url)} (${(await store.symbols(market.dataset.name)).length} symbols)`);
      return;
    }
    log(`generating the sample market into ${redactUrl(url)}: ${options.symbols} symbols x ${options.years} years of daily bars (first run only)`);
    const started = Date.now();
    const rows = await writeMarket(market, store);
    log(`wrote ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await store.close();
  }
}
