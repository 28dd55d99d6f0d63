import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { frequencyMs, invalidArgument } from '@florin/core';
import { generateMarket, type SampleMarket } from '@florin/store';
import type { LoadUniverse } from './workload.js';

/**
 * The universe of a sample market: all its symbols, all its fields (the
 * heads fetch and cache whole rows, so reading every field is what makes
 * upstream and requested points comparable), from its first trading day to
 * one bar past its last. `fields` narrows the fields read.
 */
export function universeFromMarket(market: SampleMarket, fields?: readonly string[]): LoadUniverse {
  const ts = market.timestamps;
  if (ts.length === 0) throw invalidArgument('the sample market has no trading days');
  const barMs = frequencyMs(market.dataset.frequency);
  const chosen = fields && fields.length > 0 ? [...fields] : [...market.dataset.fields];
  const unknown = chosen.filter((f) => !market.dataset.fields.includes(f));
  if (unknown.length > 0) throw invalidArgument(`the sample market has no field ${unknown.join(', ')} (fields: ${market.dataset.fields.join(', ')})`);
  return {
    dataset: market.dataset.name,
    fields: chosen,
    symbols: market.symbols,
    range: { start: ts[0]!, end: ts[ts.length - 1]! + barMs },
    barMs,
  };
}

/** The sample-market parameters `florin up` records in <data-dir>/market.json. */
export interface MarketManifest {
  readonly symbols: number;
  readonly years: number;
  readonly seed: number;
  readonly dataset: string;
}

/** Reads <dataDir>/market.json, or undefined when the directory holds no sample market. */
export async function readMarketManifest(dataDir: string): Promise<MarketManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, 'market.json'), 'utf8');
  } catch {
    return undefined;
  }
  const m = JSON.parse(text) as Partial<MarketManifest>;
  for (const key of ['symbols', 'years', 'seed'] as const) {
    if (!Number.isSafeInteger(m[key])) throw invalidArgument(`${join(dataDir, 'market.json')} has no integer ${key}; regenerate the data directory`);
  }
  return { symbols: m.symbols!, years: m.years!, seed: m.seed!, dataset: typeof m.dataset === 'string' ? m.dataset : 'bars' };
}

/** The sample market a manifest describes (same symbols and trading days, generated lazily). */
export function marketOfManifest(manifest: MarketManifest): SampleMarket {
  return generateMarket({ symbols: manifest.symbols, years: manifest.years, seed: manifest.seed, dataset: manifest.dataset });
}
