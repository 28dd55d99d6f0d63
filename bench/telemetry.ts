import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Option } from 'commander';
import { HeadClient } from '@florin/client';
import { ShardServer } from '@florin/shard';
import { HeadServer } from '@florin/head';
import { OtlpReceiver, observeHeadStats, startTelemetry } from '@florin/telemetry';
import { benchCommand, integerOption, positiveNumberOption } from './lib/bench-options.js';
import { formatRate, printReport } from './lib/report.js';
import { withTempDir } from './lib/temp-dir.js';
import { DAY, START, dailyCloseStore } from './lib/daily-close-store.js';

interface Options {
  json: boolean;
  rounds: number;
  seconds: number;
  inflight: number;
  symbols: number;
  collector: 'local' | 'separate';
}

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

/** An OtlpReceiver in a child process (this file with --serve-receiver): its endpoint and its span count. */
async function separateReceiver(): Promise<{ endpoint: string; spans: () => Promise<number>; close: () => void }> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve-receiver'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const endpoint = await new Promise<string>((resolve) => child.once('message', (m) => resolve(m as string)));
  return {
    endpoint,
    spans: () =>
      new Promise<number>((resolve) => {
        child.once('message', (m) => resolve(Number(m)));
        child.send('count');
      }),
    close: () => child.kill(),
  };
}

/** The load: a HeadClient in a child process (as researchers' clients are), running one round per message. */
async function loadClient(address: string, symbols: string[]): Promise<{ round: (options: Options) => Promise<number>; close: () => void }> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--load-client', address, symbols.join(',')], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise((resolve) => child.once('message', resolve));
  return {
    round: (options) =>
      new Promise<number>((resolve) => {
        child.once('message', (m) => resolve(Number(m)));
        child.send({ seconds: options.seconds, inflight: options.inflight });
      }),
    close: () => child.kill(),
  };
}

async function serveLoad(address: string, symbols: string[]): Promise<void> {
  const client = new HeadClient(address);
  process.on('message', (m: { seconds: number; inflight: number }) => {
    void round(client, symbols, { ...m } as Options).then((pps) => process.send!(pps));
  });
  process.send!('ready');
}

async function serveReceiver(): Promise<void> {
  const receiver = new OtlpReceiver();
  await receiver.listen();
  process.on('message', () => process.send!(receiver.store.spans({ name: 'florin.v1.HeadService/Read' }).length));
  process.send!(receiver.endpoint);
}

async function main(options: Options): Promise<void> {
  await withTempDir('florin-bench-telemetry-', async (dir) => {
    const { store, symbols } = await dailyCloseStore(dir, options.symbols, BARS);
    const shard = new ShardServer({ store, shardId: 0, shardCount: 1 });
    const { address: shardAddress } = await shard.start();
    const head = new HeadServer({ shards: [shardAddress] });
    const { address } = await head.start();
    const client = await loadClient(address, symbols);
    const receiver = new OtlpReceiver();
    await receiver.listen();
    // 'separate': the receiver runs in a child process, as a collector would (its decoding costs this process nothing).
    const child = options.collector === 'separate' ? await separateReceiver() : undefined;
    const endpoint = child?.endpoint ?? receiver.endpoint;
    try {
      // Warm the cache (every later read is a hit) and the JIT.
      await client.round({ ...options, seconds: 1 });
      const off: number[] = [];
      const on: number[] = [];
      for (let r = 0; r < options.rounds; r++) {
        // Alternate which goes first so drift (thermal, other load) hits both alike.
        for (const mode of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
          if (mode === 'off') {
            off.push(await client.round(options));
          } else {
            const telemetry = startTelemetry({ role: 'head', instanceId: 'bench', endpoint, enabled: true, metricIntervalMs: 1_000, env: {} });
            observeHeadStats(telemetry.meter, () => head.node.stats());
            on.push(await client.round(options));
            await telemetry.shutdown();
          }
        }
      }
      const offPointsPerSec = median(off);
      const onPointsPerSec = median(on);
      const overheadPct = ((offPointsPerSec - onPointsPerSec) / offPointsPerSec) * 100;
      // Each round's on against its own off (run back to back): drift from other load on the machine cancels within a pair.
      const pairedOverheadPct = median(off.map((o, r) => ((o - on[r]!) / o) * 100));
      const spans = child ? await child.spans() : receiver.store.spans({ name: 'florin.v1.HeadService/Read' }).length;
      printReport(
        {
          title: `Head node cache-hit reads from a client in another process, telemetry on vs off in the head's process (${options.rounds} alternating rounds of ${options.seconds} s, ${options.inflight} reads in flight, ${BARS} points per read)`,
          head: ['telemetry', 'median points/s', 'rounds (points/s)'],
          rows: [
            ['off', formatRate(offPointsPerSec), off.map(formatRate).join(', ')],
            [`on (OTLP to a receiver ${options.collector === 'separate' ? 'in a child process' : 'in this process'})`, formatRate(onPointsPerSec), on.map(formatRate).join(', ')],
          ],
          notes: [
            `overhead: ${overheadPct.toFixed(2)}% of the medians, ${pairedOverheadPct.toFixed(2)}% median of the per-round pairs (target < 3%); ${spans} Read spans reached the receiver.`,
            'On: one SERVER span per Read + rpc.server.duration + head stats instruments, batch export over OTLP/gRPC (with --collector local the receiver decoding is counted against "on").',
          ],
          result: { onPointsPerSec, offPointsPerSec, overheadPct, pairedOverheadPct, rounds: options.rounds, seconds: options.seconds, inflight: options.inflight, spansReceived: spans },
        },
        { json: options.json },
      );
    } finally {
      client.close();
      await head.close(1_000);
      await shard.close(1_000);
      await receiver.close();
      child?.close();
      await store.close();
    }
  });
}

const program = benchCommand('bench:telemetry', "Head node cache-hit read throughput with telemetry on vs off, in the same run (alternating rounds, medians)")
  .option('--rounds <n>', 'rounds per mode', integerOption('--rounds', 1, 100), 5)
  .option('--seconds <s>', 'seconds per round', positiveNumberOption('--seconds'), 2)
  .option('--inflight <n>', 'reads in flight', integerOption('--inflight', 1, 1024), 16)
  .addOption(new Option('--collector <where>', 'the OTLP receiver runs in this process or a child process').choices(['local', 'separate']).default('separate'))
  .option('--symbols <n>', 'symbols (each read is one whole cached series)', integerOption('--symbols', 1, 10_000), 50);
if (process.argv.includes('--serve-receiver')) {
  await serveReceiver();
} else if (process.argv[2] === '--load-client') {
  await serveLoad(process.argv[3]!, process.argv[4]!.split(','));
} else {
  program.parse();
  await main(program.opts<Options>());
}
