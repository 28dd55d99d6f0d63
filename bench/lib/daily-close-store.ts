import { join } from 'node:path';
import { DuckDbStore } from '@florin/store';

export const DAY = 86_400_000;
export const START = Date.UTC(2000, 0, 1);

/**
 * A new DuckDB store in `dir` (file shard-0.duckdb) with one dataset `daily`
 * of field `close`: `symbols` series S0.. of `bars` daily bars from START.
 * The store is open; the caller closes it.
 */
export async function dailyCloseStore(dir: string, symbolCount: number, bars: number): Promise<{ store: DuckDbStore; symbols: string[] }> {
  const store = new DuckDbStore({ path: join(dir, 'shard-0.duckdb') });
  await store.open();
  await store.createDataset({ name: 'daily', fields: ['close'], frequency: '1d' });
  const symbols = Array.from({ length: symbolCount }, (_, k) => `S${k}`);
  await store.write(
    'daily',
    symbols.map((symbol, k) => ({
      symbol,
      fields: ['close'],
      timestamps: Float64Array.from({ length: bars }, (_, j) => START + j * DAY),
      columns: [Float64Array.from({ length: bars }, (_, j) => 100 + k + j / 100)],
    })),
  );
  return { store, symbols };
}
