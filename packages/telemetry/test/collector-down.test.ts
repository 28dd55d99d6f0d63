import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelemetry, type Telemetry } from '@florin/telemetry';
import { DAY_MS, OHLCV, marketFrame, seed, startHeadCluster, until, utc, type HeadCluster } from '@florin/test-support';

/**
 * A collector that accepts connections and never answers (hung, or a black hole on the way):
 * reads through a real head node and shards answer exactly what the stores hold, about as fast
 * as with telemetry off, and every span that could not be delivered is counted.
 */
const daily = { name: 'daily', fields: [...OHLCV], frequency: '1d' };
const SYMBOLS = ['AAPL', 'AMZN', 'IBM', 'MSFT'];
/** Rounds of the 4 reads, with telemetry off and then on. */
const ROUNDS = 50;
const queries = SYMBOLS.map((s, i) => ({ dataset: 'daily', symbols: [s, SYMBOLS[(i + 1) % SYMBOLS.length]!], fields: ['close', 'volume'], range: { start: utc(2010 + i), end: utc(2011 + i) } }));

describe('a collector that never answers', () => {
  let cluster: HeadCluster;
  let hung: Server;
  const sockets: Socket[] = [];
  let telemetry: Telemetry | undefined;

  beforeAll(async () => {
    hung = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    cluster = await startHeadCluster({ shardCount: 2 });
    await seed(cluster, daily, SYMBOLS.map((s, i) => marketFrame(s, daily.fields, utc(2005), utc(2026), DAY_MS, 10 + i)));
  });

  afterAll(async () => {
    await telemetry?.shutdown();
    await cluster?.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => hung.close(() => resolve()));
  });

  it('slows no read, fails none, and counts the spans it lost', { timeout: 60_000 }, async () => {
    const expected = await Promise.all(queries.map((q) => cluster.direct(q)));
    const readAll = async (rounds: number): Promise<number> => {
      const started = performance.now();
      for (let r = 0; r < rounds; r++) {
        const answers = await Promise.all(queries.map((q) => cluster.read(q)));
        answers.forEach((a, i) => expect(a).toEqual(expected[i]));
      }
      return performance.now() - started;
    };
    await readAll(5); // warm: the cache holds every query now
    const off = await readAll(ROUNDS);

    telemetry = startTelemetry({ role: 'head', instanceId: 'h0', endpoint: `127.0.0.1:${(hung.address() as { port: number }).port}`, enabled: true, maxQueueSize: 64, exportTimeoutMs: 300, traceSampleRatio: 1, env: {} });
    const on = await readAll(ROUNDS);
    // 200 reads (cache hits: one head span each) while every export hangs until its timeout.
    expect(on, `with the collector hung: ${on.toFixed(0)} ms, off: ${off.toFixed(0)} ms`).toBeLessThan(off * 2 + 500);
    // Nothing reached the collector: every one of the 200 head spans is counted as dropped (queue full, or its export timed out).
    await until(() => telemetry!.droppedSpans() === ROUNDS * queries.length, 20_000, `${ROUNDS * queries.length} spans counted as dropped (got ${telemetry?.droppedSpans()})`);
    expect(sockets.length).toBeGreaterThan(0);
  });
});
