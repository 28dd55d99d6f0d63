import { cpus } from 'node:os';
import { ShardClient } from '@florin/shard-client';
import { ShardServer } from '@florin/shard';
import { benchCommand, integerOption, positiveNumberOption, progress, runBench } from './lib/bench-options.js';
import { CpuProfiler } from './lib/cpu-profile.js';
import { loadMarketStore } from './lib/market-store.js';
import { assertSameAnswer } from './lib/read-check.js';
import { defaultReadShapes, pointsOf, shapeQuery, type ReadShape } from './lib/read-workload.js';
import { formatCount, formatMs, formatRate, printReport } from './lib/report.js';
import { withTempDir } from './lib/temp-dir.js';
import { timeInterleaved, type Timing, type TimingOptions } from './lib/timing.js';

interface ShardReadOptions {
  json: boolean;
  symbols: number;
  years: number;
  seconds: number;
  iterations: number;
  warmup: number;
  rounds: number;
  profile?: string;
}

interface ShapeResult {
  readonly shape: ReadShape;
  readonly pointsPerQuery: number;
  readonly direct: Timing;
  readonly shard: Timing;
}

const program = benchCommand(
  'shard-read',
  'Points per second read through a shard over gRPC (ShardServer + ShardClient on 127.0.0.1) vs direct DuckDbStore.read of the same queries.',
)
  .option('--symbols <n>', 'symbols in the sample market', integerOption('--symbols', 1, 100_000), 500)
  .option('--years <n>', 'years of daily bars in the sample market', integerOption('--years', 1, 100), 10)
  .option('--seconds <s>', 'timed seconds per shape and path, at least', positiveNumberOption('--seconds'), 1.5)
  .option('--iterations <n>', 'timed queries per shape and path, at least', integerOption('--iterations', 1), 5)
  .option('--warmup <n>', 'untimed queries per shape and path first', integerOption('--warmup', 0), 2)
  .option('--rounds <n>', 'alternating direct/shard stretches per shape (evens out drifting machine load)', integerOption('--rounds', 1, 100), 3)
  .option('--profile <dir>', 'write CPU profiles of the timed loops to <dir>: shard-read_<shape>_r<round>.cpuprofile (gRPC path, client and server) and direct-read_... (store.read)');

runBench(async () => {
  const options = program.parse().opts<ShardReadOptions>();
  const timing: TimingOptions = { warmup: options.warmup, minIterations: options.iterations, minSeconds: options.seconds };
  await withTempDir('florin-bench-shard-read', async (dir) => {
    progress(`loading the sample market (${options.symbols} symbols x ${options.years} years) into DuckDB in ${dir} ...`);
    const { market, store, loadMs } = await loadMarketStore(dir, { symbols: options.symbols, years: options.years }, 'shard-0.duckdb');
    progress(`loaded ${formatCount(market.rowCount)} rows in ${formatMs(loadMs)} ms`);
    const server = new ShardServer({ store, shardId: 0, shardCount: 1 });
    const profiler = new CpuProfiler(options.profile);
    let client: ShardClient | undefined;
    try {
      client = new ShardClient((await server.start()).address);
      const results: ShapeResult[] = [];
      for (const shape of defaultReadShapes(market)) {
        const query = (i: number) => shapeQuery(market, shape, i);
        const viaShard = client;
        const pointsPerQuery = assertSameAnswer(shape.name, await store.read(query(0)), await viaShard.read(query(0)));
        progress(`${shape.name}: answers bit-identical (${formatCount(pointsPerQuery)} points per query); timing ...`);
        const [direct, shard] = await timeInterleaved(
          [
            {
              operation: async (i) => pointsOf(await store.read(query(i))),
              around: (round, stretch) => profiler.profile(`direct-read ${shape.name} r${round}`, stretch),
            },
            {
              operation: async (i) => pointsOf(await viaShard.read(query(i))),
              around: (round, stretch) => profiler.profile(`shard-read ${shape.name} r${round}`, stretch),
            },
          ],
          timing,
          options.rounds,
        );
        results.push({ shape, pointsPerQuery, direct: direct!, shard: shard! });
      }
      report(results, options, { rows: market.rowCount, loadMs });
    } finally {
      profiler.close();
      client?.close();
      await server.close();
      await store.close();
    }
  });
});

function report(results: readonly ShapeResult[], options: ShardReadOptions, load: { rows: number; loadMs: number }): void {
  const main = results[0]!;
  const sum = (pick: (r: ShapeResult) => number): number => results.reduce((s, r) => s + pick(r), 0);
  const totalDirect = (sum((r) => r.direct.units) * 1000) / sum((r) => r.direct.totalMs);
  const totalShard = (sum((r) => r.shard.units) * 1000) / sum((r) => r.shard.totalMs);
  const timingJson = (t: Timing) => ({
    pointsPerSec: Math.round(t.unitsPerSec),
    iterations: t.iterations,
    totalMs: round(t.totalMs),
    medianMs: round(t.medianMs),
    minMs: round(t.minMs),
    p90Ms: round(t.p90Ms),
  });
  printReport(
    {
      title: `shard read: ${options.symbols} symbols x ${options.years} years, 1 shard (DuckDB), gRPC over 127.0.0.1 vs direct store.read, one query at a time`,
      head: ['shape', 'points/query', 'direct points/s', 'shard points/s', 'shard/direct', 'direct median ms', 'shard median ms', 'runs d/s'],
      rows: [
        ...results.map((r) => [
          r.shape.name,
          formatCount(r.pointsPerQuery),
          formatRate(r.direct.unitsPerSec),
          formatRate(r.shard.unitsPerSec),
          (r.shard.unitsPerSec / r.direct.unitsPerSec).toFixed(3),
          formatMs(r.direct.medianMs),
          formatMs(r.shard.medianMs),
          `${r.direct.iterations}/${r.shard.iterations}`,
        ]),
        ['all shapes (total points / total time)', '', formatRate(totalDirect), formatRate(totalShard), (totalShard / totalDirect).toFixed(3), '', '', ''],
      ],
      notes: [
        `every shape's gRPC answer was checked bit-identical to the direct read; loading ${formatCount(load.rows)} rows took ${formatMs(load.loadMs)} ms`,
        `headline figures: the first shape (${main.shape.name})`,
      ],
      result: {
        bench: 'shard-read',
        basis: `shape "${main.shape.name}": ${main.shape.symbols} symbols x ${main.shape.years ?? options.years} years x ${main.shape.fields.length} fields per query, one query in flight`,
        shardPointsPerSec: Math.round(main.shard.unitsPerSec),
        directPointsPerSec: Math.round(main.direct.unitsPerSec),
        ratio: round(main.shard.unitsPerSec / main.direct.unitsPerSec, 4),
        total: { shardPointsPerSec: Math.round(totalShard), directPointsPerSec: Math.round(totalDirect), ratio: round(totalShard / totalDirect, 4) },
        shapes: results.map((r) => ({
          name: r.shape.name,
          symbols: r.shape.symbols,
          years: r.shape.years ?? options.years,
          fields: r.shape.fields,
          pointsPerQuery: r.pointsPerQuery,
          verified: true,
          ratio: round(r.shard.unitsPerSec / r.direct.unitsPerSec, 4),
          direct: timingJson(r.direct),
          shard: timingJson(r.shard),
        })),
        market: { symbols: options.symbols, years: options.years, rows: load.rows, loadMs: round(load.loadMs) },
        settings: { seconds: options.seconds, iterations: options.iterations, warmup: options.warmup, rounds: options.rounds },
        env: { node: process.version, cpus: cpus().length },
      },
    },
    options,
  );
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
