import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seriesKey, shardFor, stableHash } from '@florin/core';

// The first 6 bytes of SHA-256, big-endian, computed outside Node (Python's hashlib): what a client in
// another language computes to route keys the way the SDK, heads and shards do.
const KNOWN: readonly [string, number][] = [
  [seriesKey('bars', 'AAPL'), 43_010_358_154_140],
  [seriesKey('bars', 'AMZN'), 34_081_638_839_317],
  [seriesKey('momentum_12_1', 'MSFT'), 146_650_025_228_236],
  ['florin-head\u0000head-0', 33_689_033_884_970],
  ['', 250_348_346_448_124],
];

const sha48 = (text: string): number => createHash('sha256').update(text).digest().readUIntBE(0, 6);

describe('stableHash', () => {
  it('is the first 48 bits of SHA-256, on the first call and on remembered ones', () => {
    for (let round = 0; round < 3; round++) for (const [key, value] of KNOWN) expect(stableHash(key)).toBe(value);
    expect(shardFor('bars', 'AAPL', 2)).toBe(0);
    expect(shardFor('bars', 'AMZN', 2)).toBe(1);
  });

  it('stays exact for more keys than it remembers (the memo starts over)', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => seriesKey('bars', `S${i}`));
    for (const key of keys) expect(stableHash(key)).toBe(sha48(key));
    for (const key of keys.slice(0, 100)) expect(stableHash(key)).toBe(sha48(key));
    for (const [key, value] of KNOWN) expect(stableHash(key)).toBe(value);
  });
});
