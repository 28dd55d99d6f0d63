import { join } from 'node:path';
import { HeadClient } from '@florin/client';
import { DuckDbStore } from '@florin/store';
import { ShardServer } from '@florin/shard';
import { HeadServer } from '@florin/head';
import { OtlpReceiver, observeHeadStats, startTelemetry } from '@florin/telemetry';
import { benchCommand, integerOption, positiveNumberOption } from './lib/bench-options.js';
import { formatRate, printReport } from './lib/report.js';
import { withTempDir } from './lib/temp-dir.js';

interface Options {
  json: boolean;
  rounds: number;
  seconds: number;
  inflight: number;
  symbols: number;
}

const DAY = 86_400_000;
const START = Date.UTC(2000, 0, 1);
const BARS = 2_520; // ten years of daily bars per symbol
const FIELDS = ['close'];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Reads cache-hit series through the head for `seconds` with `inflight` reads in flight; points per second. */
async function round(client: HeadClient, symbols: string[], options: Options): Promise<number> {
  const deadline = performance.now() + options.seconds * 1000;
  let points = 0;
  let i = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const symbol = symbols[i++ % symbols.length]!;
      const frames = await client.read({ dataset: 'daily', symbols: [symbol], fields: FIELDS, range: { start: START, end: START + BARS * DAY } });
      points += frames[0]!.timestamps.length * FIELDS.length;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.inflight }, worker));
  return points / ((performance.now() - started) / 1000);
}

async function main(options: Options): Promise<void> {
  await withTempDir('florin-bench-telemetry-', async (dir) => {
    const store = new DuckDbStore({ path: join(dir, 'shard-0.duckdb') });
    await store.open();
    await store.createDataset({ name: 'daily', fields: FIELDS, frequency: '1d' });
    const symbols = Array.from({ length: options.symbols }, (_, k) => `S${k}`);
    await store.write(
      'daily',
      symbols.map((symbol, k) => ({
        symbol,
        fields: FIELDS,
        timestamps: Float64Array.from({ length: BARS }, (_, j) => START + j * DAY),
        columns: [Float64Array.from({ length: BARS }, (_, j) => 100 + k + j / 100)],
      })),
    );
    const shard = new ShardServer({ store, shardId: 0, shardCount: 1 });
    const { address: shardAddress } = await shard.start();
    const head = new HeadServer({ shards: [shardAddress] });
    const { address } = await head.start();
    const client = new HeadClient(address);
    const receiver = new OtlpReceiver();
    await receiver.listen();
    try {
      // Warm the cache (every later read is a hit) and the JIT.
      await round(client, symbols, { ...options, seconds: 1 });
      const off: number[] = [];
      const on: number[] = [];
      for (let r = 0; r < options.rounds; r++) {
        // Alternate which goes first so drift (thermal, other load) hits both alike.
        for (const mode of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
          if (mode === 'off') {
            off.push(await round(client, symbols, options));
          } else {
            const telemetry = startTelemetry({ role: 'head', instanceId: 'bench', endpoint: receiver.endpoint, enabled: true, metricIntervalMs: 1_000, env: {} });
            observeHeadStats(telemetry.meter, () => head.node.stats());
            on.push(await round(client, symbols, options));
            await telemetry.shutdown();
          }
        }
      }
      const offPointsPerSec = median(off);
      const onPointsPerSec = median(on);
      const overheadPct = ((offPointsPerSec - onPointsPerSec) / offPointsPerSec) * 100;
      const spans = receiver.store.spans({ name: 'florin.v1.HeadService/Read' }).length;
      printReport(
        {
          title: `Head node cache-hit reads, telemetry on vs off (${options.rounds} alternating rounds of ${options.seconds} s, ${options.inflight} reads in flight, ${BARS} points per read)`,
          head: ['telemetry', 'median points/s', 'rounds (points/s)'],
          rows: [
            ['off', formatRate(offPointsPerSec), off.map(formatRate).join(', ')],
            ['on (OTLP to a local receiver)', formatRate(onPointsPerSec), on.map(formatRate).join(', ')],
          ],
          notes: [
            `overhead: ${overheadPct.toFixed(2)}% (target < 3%); ${spans} Read spans reached the receiver.`,
            'On: one SERVER span per Read + rpc.server.duration + head stats instruments, batch export over OTLP/gRPC to a receiver in this same process (its decoding is counted against "on").',
          ],
          result: { onPointsPerSec, offPointsPerSec, overheadPct, rounds: options.rounds, seconds: options.seconds, inflight: options.inflight, spansReceived: spans },
        },
        { json: options.json },
      );
    } finally {
      client.close();
      await head.close(1_000);
      await shard.close(1_000);
      await receiver.close();
      await store.close();
    }
  });
}

const program = benchCommand('bench:telemetry', "Head node cache-hit read throughput with telemetry on vs off, in the same run (alternating rounds, medians)")
  .option('--rounds <n>', 'rounds per mode', integerOption('--rounds', 1, 100), 5)
  .option('--seconds <s>', 'seconds per round', positiveNumberOption('--seconds'), 2)
  .option('--inflight <n>', 'reads in flight', integerOption('--inflight', 1, 1024), 16)
  .option('--symbols <n>', 'symbols (each read is one whole cached series)', integerOption('--symbols', 1, 10_000), 50);
program.parse();
await main(program.opts<Options>());
