import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelemetry, type Telemetry } from '@florin/telemetry';
import { DAY_MS, HungCollector, OHLCV, marketFrame, seed, startHeadCluster, until, utc, type HeadCluster } from '@florin/test-support';

/**
 * A collector that accepts connections and never answers (hung, or a black hole on the way):
 * reads through a real head node and shards answer exactly what the stores hold without ever
 * waiting on an export, and every span that could not be delivered is counted.
 */
const daily = { name: 'daily', fields: [...OHLCV], frequency: '1d' };
const SYMBOLS = ['AAPL', 'AMZN', 'IBM', 'MSFT'];
/** Rounds of the 4 reads, before and after an export is seen on the wire. */
const ROUNDS = 50;
const queries = SYMBOLS.map((s, i) => ({ dataset: 'daily', symbols: [s, SYMBOLS[(i + 1) % SYMBOLS.length]!], fields: ['close', 'volume'], range: { start: utc(2010 + i), end: utc(2011 + i) } }));

describe('a collector that never answers', () => {
  let cluster: HeadCluster;
  let hung: HungCollector;
  let telemetry: Telemetry | undefined;

  beforeAll(async () => {
    hung = await HungCollector.start();
    cluster = await startHeadCluster({ shardCount: 2 });
    await seed(cluster, daily, SYMBOLS.map((s, i) => marketFrame(s, daily.fields, utc(2005), utc(2026), DAY_MS, 10 + i)));
  });

  afterAll(async () => {
    // Hang up first, so that shutdown's last exports fail at once instead of waiting out their timeout.
    await hung?.close();
    await telemetry?.shutdown();
    await cluster?.close();
  });

  it('delays no read, fails none, and counts the spans it lost', { timeout: 120_000 }, async () => {
    const expected = await Promise.all(queries.map((q) => cluster.direct(q)));
    const readAll = async (rounds: number): Promise<void> => {
      for (let r = 0; r < rounds; r++) {
        const answers = await Promise.all(queries.map((q) => cluster.read(q)));
        answers.forEach((a, i) => expect(a).toEqual(expected[i]));
      }
    };
    await readAll(5); // warm: the cache holds every query now

    // Exports time out only after ten minutes: a read that waited on one would outlast the test's timeout.
    telemetry = startTelemetry({ role: 'head', instanceId: 'h0', endpoint: hung.endpoint, enabled: true, maxQueueSize: 64, exportTimeoutMs: 600_000, traceSampleRatio: 1, env: {} });
    await readAll(ROUNDS);
    // An export is on the wire and nothing will answer it; 200 more reads (cache hits: one head span each) run beside it.
    await until(() => hung.bytes() > 0, 20_000, 'the exporter to write to the collector');
    await readAll(ROUNDS);
    // Nothing reached the collector. Of the 400 head spans at most 64 wait in the queue and at most a batch
    // of 64 is in the hung export: every other one is counted as dropped (queue full).
    const total = 2 * ROUNDS * queries.length;
    expect(telemetry.droppedSpans()).toBeGreaterThanOrEqual(total - 2 * 64);
    expect(telemetry.droppedSpans()).toBeLessThanOrEqual(total);
    expect(hung.connections()).toBeGreaterThan(0);
  });
});
