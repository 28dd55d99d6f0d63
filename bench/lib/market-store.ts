import { join } from 'node:path';
import { DuckDbStore, generateMarket, type MarketOptions, type SampleMarket } from '@florin/store';

/** A DuckDB store holding the whole sample market, and how long loading took. */
export interface LoadedMarket {
  readonly market: SampleMarket;
  readonly store: DuckDbStore;
  readonly loadMs: number;
}

/** Symbols per store write while loading: bounds memory for large --symbols. */
const LOAD_BATCH_SYMBOLS = 100;

/**
 * Generates the sample market and loads all of it into a new DuckDB store
 * file in `dir` (one dataset, every symbol). The store is open; the caller closes it.
 */
export async function loadMarketStore(dir: string, options: MarketOptions = {}, fileName = 'market.duckdb'): Promise<LoadedMarket> {
  const market = generateMarket(options);
  const store = new DuckDbStore({ path: join(dir, fileName) });
  const started = performance.now();
  try {
    await store.open();
    await store.createDataset(market.dataset);
    let batch = [];
    let written = 0;
    for (const frame of market.frames()) {
      batch.push(frame);
      if (batch.length === LOAD_BATCH_SYMBOLS) {
        written += await store.write(market.dataset.name, batch);
        batch = [];
      }
    }
    if (batch.length > 0) written += await store.write(market.dataset.name, batch);
    if (written !== market.rowCount) throw new Error(`loaded ${written} rows, expected ${market.rowCount}`);
  } catch (err) {
    await store.close();
    throw err;
  }
  return { market, store, loadMs: performance.now() - started };
}
