import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { framesBitEqual } from '@florin/core';
import { DuckDbStore, generateMarket } from '@florin/store';

const dir = mkdtempSync(join(tmpdir(), 'florin-duckdb-bulk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DuckDbStore at sample-market scale', () => {
  it('loads 500 symbols x 10 years of OHLCV, upserts it again unchanged, and reads 100 symbols bit-exact', async () => {
    const market = generateMarket();
    const frames = [...market.frames()];
    const store = new DuckDbStore({ path: join(dir, 'market.duckdb') });
    await store.open();
    try {
      await store.createDataset(market.dataset);
      let t = performance.now();
      expect(await store.write('bars', frames)).toBe(market.rowCount);
      const loadMs = performance.now() - t;

      t = performance.now();
      expect(await store.write('bars', frames.slice(0, 100))).toBe(100 * market.timestamps.length);
      const upsertMs = performance.now() - t;
      expect(await store.countRows('bars')).toBe(market.rowCount);

      const symbols = market.symbols.filter((_, i) => i % 5 === 0);
      const range = { start: market.timestamps[0]!, end: market.timestamps[market.timestamps.length - 1]! + 1 };
      const timings: number[] = [];
      let got = await store.read({ dataset: 'bars', symbols, fields: [], range });
      for (let i = 0; i < 5; i++) {
        t = performance.now();
        got = await store.read({ dataset: 'bars', symbols, fields: [], range });
        timings.push(performance.now() - t);
      }
      expect(got.map((f) => f.symbol)).toEqual(symbols);
      got.forEach((f) => expect(framesBitEqual(f, market.frame(f.symbol))).toBe(true));

      const rows = symbols.length * market.timestamps.length;
      console.log(
        `DuckDB: loaded ${market.rowCount} rows in ${loadMs.toFixed(0)} ms; re-upserted ${100 * market.timestamps.length} in ${upsertMs.toFixed(0)} ms; ` +
          `read ${symbols.length} symbols x ${market.timestamps.length} days x 5 fields (${rows} rows) in median ${median(timings).toFixed(1)} ms`,
      );
      // Generous bounds: a guard against pathologies, not a benchmark.
      expect(loadMs).toBeLessThan(30_000);
      expect(median(timings)).toBeLessThan(2_000);
    } finally {
      await store.close();
    }
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
