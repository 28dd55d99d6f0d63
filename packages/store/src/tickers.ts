import { validateSymbol } from '@florin/core';
import { Sfc32 } from './prng.js';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * `count` unique 3-4 letter tickers, deterministic for `seed`. The list is
 * prefix-stable: the first n tickers are the same whatever `count` is.
 */
export function generateTickers(count: number, seed: number): string[] {
  const random = new Sfc32(seed, 0x7ffffff0);
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < count) {
    const length = random.nextFloat() < 0.45 ? 3 : 4;
    let ticker = '';
    for (let i = 0; i < length; i++) ticker += LETTERS[random.nextInt(26)];
    if (seen.has(ticker)) continue;
    seen.add(ticker);
    out.push(validateSymbol(ticker));
  }
  return out;
}
