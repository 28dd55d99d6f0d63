import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Option } from 'commander';
import { HeadClient } from '@florin/client';
import { ShardServer } from '@florin/shard';
import { HeadServer } from '@florin/head';
import { DEFAULT_TRACE_SAMPLE_RATIO, OtlpReceiver, observeHeadStats, startTelemetry } from '@florin/telemetry';
import { benchCommand, integerOption, positiveNumberOption, ratioOption } from './lib/bench-options.js';
import { formatRate, printReport } from './lib/report.js';
import { withTempDir } from './lib/temp-dir.js';
import { CpuProfiler } from './lib/cpu-profile.js';
import { loadavg } from 'node:os';
import { DAY, START, dailyCloseStore } from './lib/daily-close-store.js';

interface Options {
  json: boolean;
  rounds: number;
  seconds: number;
  inflight: number;
  symbols: number;
  collector: 'local' | 'separate';
  profile?: string;
  sampleRatio: number;
}

const BARS = 2_520; // ten years of daily bars per symbol
const FIELDS = ['close'];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** One round's result from the load client: points per second and reads done. */
interface RoundResult {
  pointsPerSec: number;
  reads: number;
}

/** Reads cache-hit series through the head for `seconds` with `inflight` reads in flight. */
async function round(client: HeadClient, symbols: string[], options: Options): Promise<RoundResult> {
  const deadline = performance.now() + options.seconds * 1000;
  let points = 0;
  let reads = 0;
  let i = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const symbol = symbols[i++ % symbols.length]!;
      const frames = await client.read({ dataset: 'daily', symbols: [symbol], fields: FIELDS, range: { start: START, end: START + BARS * DAY } });
      points += frames[0]!.timestamps.length * FIELDS.length;
      reads++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.inflight }, worker));
  return { pointsPerSec: points / ((performance.now() - started) / 1000), reads };
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
async function loadClient(address: string, symbols: string[]): Promise<{ round: (options: Options) => Promise<RoundResult>; close: () => void }> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--load-client', address, symbols.join(',')], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise((resolve) => child.once('message', resolve));
  return {
    round: (options) =>
      new Promise<RoundResult>((resolve) => {
        child.once('message', (m) => resolve(m as RoundResult));
        child.send({ seconds: options.seconds, inflight: options.inflight });
      }),
    close: () => child.kill(),
  };
}

async function serveLoad(address: string, symbols: string[]): Promise<void> {
  const client = new HeadClient(address);
  process.on('message', (m: { seconds: number; inflight: number }) => {
    void round(client, symbols, { ...m } as Options).then((result) => process.send!(result));
  });
  process.send!('ready');
}

async function serveReceiver(): Promise<void> {
  const receiver = new OtlpReceiver();
  await receiver.listen();
  process.on('message', () => process.send!(receiver.store.spans({ name: 'florin.v1.HeadService/Read' }).length));
  process.send!(receiver.endpoint);
}

interface Measured {
  pointsPerSec: number;
  /** CPU (user + system) of this process, the head's and the shard's, per read. */
  cpuUsPerRead: number;
}

/** One round with this process's CPU time counted. */
async function measured(client: { round: (options: Options) => Promise<RoundResult> }, options: Options): Promise<Measured> {
  const before = process.cpuUsage();
  const { pointsPerSec, reads } = await client.round(options);
  const cpu = process.cpuUsage(before);
  return { pointsPerSec, cpuUsPerRead: (cpu.user + cpu.system) / Math.max(1, reads) };
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
      const profiler = new CpuProfiler(options.profile);
      const off: Measured[] = [];
      const on: Measured[] = [];
      for (let r = 0; r < options.rounds; r++) {
        // Alternate which goes first so drift (thermal, other load) hits both alike.
        for (const mode of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
          if (mode === 'off') {
            off.push(await profiler.profile(`off-${r}`, () => measured(client, options)));
          } else {
            const telemetry = startTelemetry({ role: 'head', instanceId: 'bench', endpoint, enabled: true, metricIntervalMs: 1_000, traceSampleRatio: options.sampleRatio, env: {} });
            observeHeadStats(telemetry.meter, () => head.node.stats());
            on.push(await profiler.profile(`on-${r}`, () => measured(client, options)));
            await telemetry.shutdown();
          }
        }
      }
      profiler.close();
      const offPointsPerSec = median(off.map((m) => m.pointsPerSec));
      const onPointsPerSec = median(on.map((m) => m.pointsPerSec));
      const overheadPct = ((offPointsPerSec - onPointsPerSec) / offPointsPerSec) * 100;
      // Each round's on against its own off (run back to back): drift from other load on the machine cancels within a pair.
      const pairedOverheadPct = median(off.map((o, r) => ((o.pointsPerSec - on[r]!.pointsPerSec) / o.pointsPerSec) * 100));
      // CPU the head's process spent per read: what telemetry costs the head, whatever else competes for the cores.
      const offCpuUsPerRead = median(off.map((m) => m.cpuUsPerRead));
      const onCpuUsPerRead = median(on.map((m) => m.cpuUsPerRead));
      const cpuOverheadPct = ((onCpuUsPerRead - offCpuUsPerRead) / offCpuUsPerRead) * 100;
      const spans = child ? await child.spans() : receiver.store.spans({ name: 'florin.v1.HeadService/Read' }).length;
      const load = loadavg().map((l) => l.toFixed(2)).join(' ');
      printReport(
        {
          title: `Head node cache-hit reads from a client in another process, telemetry on vs off in the head's process (${options.rounds} alternating rounds of ${options.seconds} s, ${options.inflight} reads in flight, ${BARS} points per read)`,
          head: ['telemetry', 'median points/s', 'head CPU us/read', 'rounds (points/s)'],
          rows: [
            ['off', formatRate(offPointsPerSec), offCpuUsPerRead.toFixed(1), off.map((m) => formatRate(m.pointsPerSec)).join(', ')],
            [
              `on, root sample ratio ${options.sampleRatio} (OTLP to a receiver ${options.collector === 'separate' ? 'in a child process' : 'in this process'})`,
              formatRate(onPointsPerSec),
              onCpuUsPerRead.toFixed(1),
              on.map((m) => formatRate(m.pointsPerSec)).join(', '),
            ],
          ],
          notes: [
            `throughput overhead: ${overheadPct.toFixed(2)}% of the medians, ${pairedOverheadPct.toFixed(2)}% median of the per-round pairs (target < 3%); head CPU per read +${cpuOverheadPct.toFixed(2)}%; ${spans} Read spans reached the receiver.`,
            'On: a SERVER span per sampled Read (untraced reads root a trace at the sample ratio; a caller\'s sampled flag is followed), rpc.server.duration + head stats instruments, batch export over OTLP/gRPC (with --collector local the receiver decoding is counted against "on").',
            `load average at the end: ${load} (the machine is shared: throughput and, less so, CPU per read are noisy; read the paired and CPU figures of several runs)`,
          ],
          result: {
            onPointsPerSec,
            offPointsPerSec,
            overheadPct,
            pairedOverheadPct,
            offCpuUsPerRead,
            onCpuUsPerRead,
            cpuOverheadPct,
            sampleRatio: options.sampleRatio,
            rounds: options.rounds,
            seconds: options.seconds,
            inflight: options.inflight,
            spansReceived: spans,
            loadAverage: loadavg()[0],
          },
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
  .option('--symbols <n>', 'symbols (each read is one whole cached series)', integerOption('--symbols', 1, 10_000), 50)
  .option('--sample-ratio <r>', 'telemetry on: share of untraced reads that root a sampled trace (FLORIN_TRACE_SAMPLE_RATIO)', ratioOption('--sample-ratio'), DEFAULT_TRACE_SAMPLE_RATIO)
  .option('--profile <dir>', 'write a V8 CPU profile of each round of the head\'s process to <dir> (read them with bench/dist/profile-top.js)');
if (process.argv.includes('--serve-receiver')) {
  await serveReceiver();
} else if (process.argv[2] === '--load-client') {
  await serveLoad(process.argv[3]!, process.argv[4]!.split(','));
} else {
  program.parse();
  await main(program.opts<Options>());
}
