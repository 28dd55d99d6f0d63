import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { shardFor } from '@florin/core';
import { generateMarket, type SampleMarket } from '@florin/store';
import { startShardCluster as startCluster, type ShardCluster } from '@florin/test-support';
import { DAY_MS, expectSameSeries } from '@florin/test-support';

describe('reads through a shard equal direct store queries, bit for bit', () => {
  let cluster: ShardCluster;
  let market: SampleMarket;
  let first: number;
  let last: number;

  beforeAll(async () => {
    cluster = await startCluster(2);
    market = generateMarket({ symbols: 20, years: 2, seed: 7 });
    first = market.timestamps[0]!;
    last = market.timestamps[market.timestamps.length - 1]!;
    await cluster.router.createDataset(market.dataset);
    await cluster.router.write(market.dataset.name, market.dataset.fields, [...market.frames()]);
  });
  afterAll(() => cluster?.close());

  // Ranges from before the first bar to after the last, including ones that hold no bars at all.
  const rangeArb = () =>
    fc
      .tuple(fc.integer({ min: first - 30 * DAY_MS, max: last + 30 * DAY_MS }), fc.integer({ min: 1, max: 800 * DAY_MS }))
      .map(([start, length]) => ({ start, end: start + length }));

  it('random (symbol, range, fields) reads from the owning shard', async () => {
    const fieldsArb = fc.subarray([...market.dataset.fields], { minLength: 0 }).chain((f) => fc.shuffledSubarray(f, { minLength: f.length, maxLength: f.length }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...market.symbols), rangeArb(), fieldsArb, async (symbol, range, fields) => {
        const owner = shardFor(market.dataset.name, symbol, 2);
        const resolved = fields.length > 0 ? fields : [...market.dataset.fields];
        const [got] = await cluster.router.client(owner).read({ dataset: market.dataset.name, symbols: [symbol], fields, range });
        const direct = await cluster.stores[owner]!.read({ dataset: market.dataset.name, symbols: [symbol], fields: resolved, range });
        expectSameSeries(got, direct[0], symbol, resolved);
      }),
      { numRuns: 60, seed: 20_251_129 },
    );
  });

  it('random multi-symbol reads through the router come back whole and in request order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([...market.symbols], { minLength: 1, maxLength: 20 }), rangeArb(), async (symbols, range) => {
        const fields = [...market.dataset.fields];
        const got = await cluster.router.read({ dataset: market.dataset.name, symbols, range });
        expect(got.map((f) => f.symbol)).toEqual(symbols);
        for (const [i, symbol] of symbols.entries()) {
          const owner = shardFor(market.dataset.name, symbol, 2);
          const [direct] = await cluster.stores[owner]!.read({ dataset: market.dataset.name, symbols: [symbol], fields, range });
          expectSameSeries(got[i], direct, symbol, fields);
        }
      }),
      { numRuns: 25, seed: 7 },
    );
  });

  it('the whole market reads back exactly as generated', async () => {
    const range = { start: first, end: last + 1 };
    const got = await cluster.router.read({ dataset: market.dataset.name, symbols: market.symbols, range });
    got.forEach((frame, i) => expectSameSeries(frame, market.frame(market.symbols[i]!), market.symbols[i]!, market.dataset.fields));
    expect(got.reduce((n, f) => n + f.timestamps.length, 0)).toBe(market.rowCount);
  });
});
