import { cpus } from 'node:os';
import Table from 'cli-table3';
import { Option } from 'commander';
import type { SeriesFrame } from '@florin/core';
import { DataClient } from '@florin/client';
import { headTargets } from '@florin/cli';
import { generateMarket } from '@florin/store';
import { LOAD_TEST_DEFAULTS, loadTestJson, loadTestNotes, loadTestTable, universeFromMarket } from '@florin/cli';
import { benchCommand, integerOption, positiveNumberOption, progress, runBench } from './lib/bench-options.js';
import { startInProcessCluster, startProcessCluster, type BenchCluster } from './lib/bench-cluster.js';
import { cacheHitReader, redisReader } from './lib/cache-hit.js';
import { CpuProfiler } from './lib/cpu-profile.js';
import { runHeadLoadTests, type HeadLoadResults } from './lib/head-loadtest.js';
import { writeMinuteSeries } from './lib/minute-series.js';
import { connectRedis, type RedisConnection } from './lib/redis-baseline.js';
import { formatCount, formatMs, formatRate, printReport } from './lib/report.js';
import { withTempDir } from './lib/temp-dir.js';
import { GrpcFloor, IN_FLIGHT, READ_SHAPES, shapeJson, timeShape, type ShapeResult } from './lib/read-shapes.js';
import { timeInterleaved, timeLoop, type Operation, type Timing, type TimingOptions } from './lib/timing.js';

type Section = 'loadtest' | 'cache-hit' | 'cost' | 'shapes';
const SECTIONS: readonly Section[] = ['loadtest', 'cache-hit', 'cost', 'shapes'];
/** Series lengths of the cost-per-point section; the last is the cache-hit series. */
const LENGTHS = [1_000, 10_000, 100_000, 1_000_000] as const;
const LENGTH_KEYS: Readonly<Record<number, string>> = { 1_000: '1k', 10_000: '10k', 100_000: '100k', 1_000_000: '1M' };

interface HeadBenchOptions {
  json: boolean;
  symbols: number;
  years: number;
  marketSeed: number;
  shards: number;
  heads: number;
  clients: number;
  requests: number;
  symbolsPerRequest: number;
  minWindowBars: number;
  seed: number;
  seconds: number;
  rounds: number;
  warmup: number;
  redis: string;
  sections: Section[];
  inProcess: boolean;
  profile?: string;
}

interface CacheHitResults {
  readonly head: Timing;
  readonly redis: Timing | undefined;
  readonly redisNote: string;
  readonly upstreamPointsDuringTiming: number;
}

const d = LOAD_TEST_DEFAULTS;
const program = benchCommand(
  'head',
  'Head nodes of a local cluster (separate processes, like `florin up`): the load test through the heads vs --no-coalesce vs --direct; ' +
    'cache-hit read throughput of a 1M-point series vs a Redis GET of the same bytes; cost per point by series length; ' +
    'read shapes (1 sym x 1 y x 1 field, 10 x 10 y x close, 50 x 10 y x 5 fields), serial and 32 in flight, vs Redis MGET and a bare grpc-js unary.',
)
  .option('--symbols <n>', 'symbols in the sample market', integerOption('--symbols', 1, 100_000), 500)
  .option('--years <n>', 'years of daily bars in the sample market', integerOption('--years', 1, 100), 10)
  .option('--market-seed <n>', 'seed of the sample market', integerOption('--market-seed', 0), 42)
  .option('--shards <n>', 'shard processes', integerOption('--shards', 1, 16), 2)
  .option('--heads <n>', 'head-node processes', integerOption('--heads', 1, 16), 2)
  .option('--clients <n>', 'load test: concurrent clients', integerOption('--clients', 1), d.clients)
  .option('--requests <n>', 'load test: requests per mode', integerOption('--requests', 1), d.requests)
  .option('--symbols-per-request <n>', 'load test: symbols per request', integerOption('--symbols-per-request', 1), d.symbolsPerRequest)
  .option('--min-window-bars <n>', 'load test: shortest window in bars', integerOption('--min-window-bars', 1), d.minWindowBars)
  .option('--seed <n>', 'load test: workload seed', integerOption('--seed', 0), d.seed)
  .option('--seconds <s>', 'cache-hit and cost sections: timed seconds per contender, at least', positiveNumberOption('--seconds'), 2)
  .option('--rounds <n>', 'cache-hit section: alternating head/redis stretches', integerOption('--rounds', 1, 100), 3)
  .option('--warmup <n>', 'untimed reads before timing (the first one fills the cache)', integerOption('--warmup', 1), 2)
  .option('--redis <host:port>', 'Redis of the baseline', '127.0.0.1:6379')
  .addOption(
    new Option('--sections <list>', `sections to run, comma-separated (${SECTIONS.join(',')})`)
      .argParser((v) => v.split(',').map((s) => s.trim()) as Section[])
      .default([...SECTIONS]),
  )
  .option('--in-process', 'run shards and heads inside the benchmark process (one event loop: for profiling the whole read path)', false)
  .option('--profile <dir>', 'write CPU profiles of the timed cache-hit reads to <dir>/cache-hit_<contender>_r<round>.cpuprofile (with --in-process they include the head)');

runBench(async () => {
  const options = program.parse().opts<HeadBenchOptions>();
  const unknown = options.sections.filter((s) => !SECTIONS.includes(s));
  if (unknown.length > 0) throw new Error(`unknown section ${unknown.join(', ')}; sections are ${SECTIONS.join(', ')}`);
  const sections = new Set(options.sections);
  await withTempDir('florin-bench-head', async (dir) => {
    const market = { symbols: options.symbols, years: options.years, seed: options.marketSeed };
    const sample = generateMarket(market);
    const clusterOptions = { dir, shards: options.shards, heads: options.heads, market };
    let cluster: BenchCluster | undefined;
    let data: DataClient | undefined;
    let redis: RedisConnection | undefined;
    const profiler = new CpuProfiler(options.profile);
    try {
      cluster = options.inProcess ? await startInProcessCluster(clusterOptions, sample) : await startProcessCluster(clusterOptions);
      const addresses = { heads: cluster.heads, shards: cluster.shards };
      const load = sections.has('loadtest')
        ? await runHeadLoadTests(addresses, sample, universeFromMarket(sample), {
            clients: options.clients,
            requests: options.requests,
            symbolsPerRequest: options.symbolsPerRequest,
            minWindowBars: options.minWindowBars,
            seed: options.seed,
          })
        : undefined;
      data = new DataClient({ heads: headTargets(addresses.heads) });
      let cacheHit: CacheHitResults | undefined;
      const cost = new Map<number, Timing>();
      if (sections.has('cache-hit') || sections.has('cost')) {
        progress(`writing minute series of ${LENGTHS.map(formatCount).join(', ')} rows x 1 field through the heads ...`);
        const frames = await writeMinuteSeries(data, LENGTHS);
        if (sections.has('cache-hit')) {
          redis = await connectRedis(options.redis);
          cacheHit = await timeCacheHit(data, frames.get(1_000_000)!, redis, options, profiler);
        }
        if (sections.has('cost')) {
          for (const rows of LENGTHS) {
            progress(`cost per point: ${formatCount(rows)}-point series ...`);
            const reader = await cacheHitReader(data, frames.get(rows)!);
            cost.set(rows, await timeLoop(reader.operation, { warmup: options.warmup, minIterations: 5, minSeconds: options.seconds }));
          }
        }
      }
      const shapes: ShapeResult[] = [];
      if (sections.has('shapes')) {
        redis ??= await connectRedis(options.redis);
        if (!redis.redis) progress(`REDIS NOT REACHABLE at ${redis.address}: the shapes have no Redis baseline`);
        const floor = new GrpcFloor();
        await floor.start();
        try {
          for (const shape of READ_SHAPES) {
            progress(`read shape ${shape.name}: serial and ${IN_FLIGHT} in flight, Florin vs redis MGET vs a bare grpc-js unary ...`);
            shapes.push(await timeShape(data, sample, shape, redis.redis, floor, { warmup: options.warmup, minIterations: 5, minSeconds: options.seconds }, options.rounds));
          }
        } finally {
          floor.close();
        }
      }
      report(options, cluster.kind, load, cacheHit, cost, shapes);
    } finally {
      profiler.close();
      data?.close();
      if (redis?.redis) redis.redis.disconnect();
      await cluster?.stop();
    }
  });
});

async function timeCacheHit(data: DataClient, frame: SeriesFrame, redis: RedisConnection, options: HeadBenchOptions, profiler: CpuProfiler): Promise<CacheHitResults> {
  progress(`cache-hit reads of ${frame.symbol} (${formatCount(frame.timestamps.length)} points) vs redis at ${redis.address} ...`);
  const head = await cacheHitReader(data, frame);
  const timing: TimingOptions = { warmup: options.warmup, minIterations: 5, minSeconds: options.seconds };
  const before = await head.client.stats();
  const key = `florin:bench:head:${frame.symbol}`;
  let redisOp: Operation | undefined;
  let redisNote = `REDIS NOT REACHABLE at ${redis.address} (${redis.redis ? '' : redis.reason}): no baseline, vsRedis is null`;
  if (redis.redis) {
    try {
      redisOp = await redisReader(redis.redis, key, frame);
      redisNote = `redis ${redis.address}: GET (getBuffer) of the same ${formatCount(frame.timestamps.byteLength * 2)} bytes, decoded into Float64Arrays`;
    } catch (err) {
      redisNote = `REDIS FAILED at ${redis.address} (${err instanceof Error ? err.message : String(err)}): no baseline, vsRedis is null`;
    }
  }
  let headTiming: Timing;
  let redisTiming: Timing | undefined;
  if (redisOp) {
    try {
      [headTiming, redisTiming] = (await timeInterleaved(
        [
          { operation: head.operation, around: (round, stretch) => profiler.profile(`cache-hit_head_r${round}`, stretch) },
          { operation: redisOp, around: (round, stretch) => profiler.profile(`cache-hit_redis_r${round}`, stretch) },
        ],
        timing,
        options.rounds,
      )) as [Timing, Timing];
    } finally {
      await redis.redis?.del(key).catch(() => undefined);
    }
  } else {
    progress(redisNote);
    headTiming = await profiler.profile('cache-hit_head_r0', () => timeLoop(head.operation, timing));
  }
  const after = await head.client.stats();
  return { head: headTiming, redis: redisTiming, redisNote, upstreamPointsDuringTiming: after.upstreamPoints - before.upstreamPoints };
}

function report(
  options: HeadBenchOptions,
  kind: BenchCluster['kind'],
  load: HeadLoadResults | undefined,
  cacheHit: CacheHitResults | undefined,
  cost: ReadonlyMap<number, Timing>,
  shapes: readonly ShapeResult[],
): void {
  const out = (line: string): void => void process.stdout.write(line + '\n');
  if (shapes.length > 0) {
    const rate = (t: Timing | undefined): string => (t ? formatCount(t.unitsPerSec) : 'n/a');
    const ratio = (a: Timing, b: Timing | undefined): string => (b ? (a.unitsPerSec / b.unitsPerSec).toFixed(2) : 'n/a');
    const table = shapes.flatMap((r) =>
      (['serial', 'concurrent'] as const).map((mode) => {
        const t = r[mode];
        return [r.shape.name, formatCount(r.bytes), mode === 'serial' ? 'serial' : `${IN_FLIGHT} in flight`, rate(t.florin), rate(t.redis), rate(t.grpc), ratio(t.florin, t.redis), ratio(t.florin, t.grpc)];
      }),
    );
    out('cache-hit reads by shape (daily bars; reads/s; Florin through the SDK with owner routing, Redis MGET of one key per symbol, bare grpc-js unary of as many bytes)');
    const t = new Table({ head: ['shape', 'bytes', 'mode', 'florin', 'redis', 'grpc floor', 'florin/redis', 'florin/grpc'], style: { head: [], border: [] } });
    for (const row of table) t.push(row);
    out(t.toString());
    out('');
  }
  if (load) {
    out(`load test: ${options.requests} requests per mode, ${options.clients} clients x ${options.symbolsPerRequest} symbols, seed ${options.seed}; ${options.heads} heads, ${options.shards} shards (${kind === 'processes' ? 'separate processes' : 'in this process'})`);
    out(loadTestTable([load.heads, load.noCoalesce, load.direct]));
    for (const note of loadTestNotes(load.heads).slice(0, 2)) out(note);
    const b = load.breakdown;
    out(
      `amplification through the heads ${fixed(load.heads.amplification)} = 1 + chunk-alignment slack ${fixed(b.alignment - 1)} ` +
        `+ refetches ${fixed(b.refetch)} (live-edge chunks ${b.liveChunks.join(', ') || 'none'}: ${formatCount(b.liveEdgeReads)} reads touched them, ` +
        `at most ${formatCount(b.liveEdgePointsMax)} points)`,
    );
    out('');
  }
  const nsPerPoint = (t: Timing): number => (t.totalMs * 1e6) / t.units;
  const rows: (string | number)[][] = [];
  const vsRedis = cacheHit?.redis ? cacheHit.head.unitsPerSec / cacheHit.redis.unitsPerSec : null;
  if (cacheHit) {
    const row = (name: string, t: Timing): (string | number)[] => [name, formatCount(t.units / t.iterations), formatRate(t.unitsPerSec), nsPerPoint(t).toFixed(2), formatMs(t.medianMs), t.iterations];
    rows.push(row('head cache hit, 1M points (HeadClient.read)', cacheHit.head));
    if (cacheHit.redis) rows.push(row('redis GET, same bytes (getBuffer)', cacheHit.redis));
    rows.push(['head / redis (vsRedis)', '', vsRedis === null ? 'n/a' : vsRedis.toFixed(3), '', '', '']);
  }
  for (const [length, t] of cost) {
    rows.push([`cache hit, ${formatCount(length)}-point series`, formatCount(length), formatRate(t.unitsPerSec), nsPerPoint(t).toFixed(2), formatMs(t.medianMs), t.iterations]);
  }
  printReport(
    {
      title: 'cache-hit reads of one series from its owning head (1m bars, 1 field; points = rows x fields; decoded into Float64Arrays on the client)',
      head: ['read', 'points/read', 'points/s', 'ns/point', 'median ms', 'runs'],
      rows,
      notes: [
        ...(cacheHit
          ? [cacheHit.redisNote, `upstream points fetched by the head during the timed cache-hit reads: ${cacheHit.upstreamPointsDuringTiming} (0 = every read was a cache hit)`]
          : []),
        `machine: ${cpus().length} CPUs, node ${process.version}; client, heads and shards share them (${kind === 'processes' ? 'one process each' : 'one process, one event loop'})`,
      ],
      result: {
        bench: 'head',
        amplification: round(load?.heads.amplification ?? null),
        directAmplification: round(load?.direct.amplification ?? null),
        noCoalesceAmplification: round(load?.noCoalesce.amplification ?? null),
        cacheHitPointsPerSec: cacheHit ? Math.round(cacheHit.head.unitsPerSec) : null,
        redisPointsPerSec: cacheHit?.redis ? Math.round(cacheHit.redis.unitsPerSec) : null,
        vsRedis: round(vsRedis),
        nsPerPoint: Object.fromEntries([...cost].map(([n, t]) => [LENGTH_KEYS[n] ?? String(n), round(nsPerPoint(t))])),
        loadtest: load
          ? {
              heads: loadTestJson(load.heads),
              noCoalesce: loadTestJson(load.noCoalesce),
              direct: loadTestJson(load.direct),
              breakdown: { ...load.breakdown, alignment: round(load.breakdown.alignment), refetch: round(load.breakdown.refetch) },
            }
          : null,
        cacheHit: cacheHit
          ? {
              series: '1m bars, 1,000,000 rows x 1 field (price); 16,000,000 bytes with timestamps',
              head: { medianMs: round(cacheHit.head.medianMs), iterations: cacheHit.head.iterations },
              redis: cacheHit.redis ? { medianMs: round(cacheHit.redis.medianMs), iterations: cacheHit.redis.iterations } : null,
              redisAddress: options.redis,
              redisReachable: cacheHit.redis !== undefined,
              upstreamPointsDuringTiming: cacheHit.upstreamPointsDuringTiming,
            }
          : null,
        shapes: shapes.map(shapeJson),
        settings: { cluster: kind, symbols: options.symbols, years: options.years, heads: options.heads, shards: options.shards, seconds: options.seconds, rounds: options.rounds },
        env: { node: process.version, cpus: cpus().length },
      },
    },
    options,
  );
}

function fixed(x: number | null): string {
  return x === null ? 'n/a' : x.toFixed(4);
}

function round(x: number | null, digits = 4): number | null {
  return x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits;
}
