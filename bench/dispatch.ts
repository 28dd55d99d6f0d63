import { cpus, loadavg } from 'node:os';
import { InvalidArgumentError, Option } from 'commander';
import { COORDINATOR_DEFAULTS, type CoordinatorOptions, type SqliteSynchronous } from '@florin/coordinator';
import { QCU_DEFAULTS } from '@florin/qcu';
import { benchCommand, integerOption, progress, runBench } from './lib/bench-options.js';
import { BULLMQ_PREFIX, countKeys, probeRedis, withBullmqFleet, type RedisTarget } from './lib/bullmq-dispatch.js';
import type { CoordinatorPlacement } from './lib/coordinator-host.js';
import { CpuProfiler } from './lib/cpu-profile.js';
import { startMiniDataPlane, type MiniDataPlane } from './lib/data-plane.js';
import { dispatchReport, type ConfigResult } from './lib/dispatch-report.js';
import { medianRun, runRounds, withContenders, type ContenderOpener } from './lib/dispatch-rounds.js';
import { withFlorinFleet } from './lib/florin-dispatch.js';
import { probeFsync, type FsyncLatency } from './lib/fsync-probe.js';
import { printReport } from './lib/report.js';
import { withTempDir } from './lib/temp-dir.js';

export interface DispatchOptions {
  json: boolean;
  tasks: number;
  rounds: number;
  lightTasks: number;
  lightIntervalMs: number;
  jobs: number;
  warmup: number;
  workers: number[];
  concurrency: number[];
  /** undefined: max(QcuWorker's default batchSize, concurrency). */
  batchSize: number | undefined;
  synchronous: SqliteSynchronous;
  alsoNormal: boolean;
  coordinator: CoordinatorPlacement;
  coordinatorOption: CoordinatorOptions;
  redis: string;
  bullmq: boolean;
  timeout: number;
  profile?: string;
}

const program = benchCommand(
  'dispatch',
  'No-op tasks through the Florin coordinator (SQLite, durable) and QcuWorkers, vs the same number of no-op jobs through BullMQ on Redis: tasks/s and submit-to-done latency percentiles.',
)
  .option('--tasks <n>', 'tasks (Florin: one job of n single-symbol tasks; BullMQ: n jobs in one addBulk) per timed batch', integerOption('--tasks', 1, 100_000), 2_000)
  .option('--rounds <n>', 'timed batches per configuration, the systems taking turns; the median is reported', integerOption('--rounds', 1, 100), 5)
  .option('--light-tasks <n>', 'light load after the rounds: this many single tasks, one submitted at a time (0: skip)', integerOption('--light-tasks', 0, 10_000), 30)
  .option('--light-interval-ms <ms>', 'light load: ms between two submits', integerOption('--light-interval-ms', 1, 60_000), 20)
  .option('--jobs <n>', 'Florin: split each batch (warm-up included) into n jobs submitted at once (BullMQ has no jobs of tasks: unchanged)', integerOption('--jobs', 1, 10_000), 1)
  .option('--warmup <n>', 'tasks of the untimed batch run first in each configuration, so both systems are measured warm (JIT-compiled) (0: none)', integerOption('--warmup', 0, 100_000), 6_000)
  .option('--workers <list>', 'comma-separated worker counts: QcuWorkers and BullMQ Workers, one configuration each', integerList('--workers', 1, 256), [1, 4, 16])
  .option(
    '--concurrency <list>',
    `comma-separated tasks run at once per worker, one configuration each with every worker count (QcuWorker concurrency = BullMQ Worker concurrency); ${QCU_DEFAULTS.concurrency} is QcuWorker's default`,
    integerList('--concurrency', 1, 1000),
    [QCU_DEFAULTS.concurrency, 256],
  )
  .option('--batch-size <n>', `QcuWorker batchSize (most tasks per LeaseTasks call); default max(${QCU_DEFAULTS.batchSize} (QcuWorker's default), concurrency)`, integerOption('--batch-size', 1, 1000))
  .addOption(new Option('--synchronous <mode>', 'SQLite synchronous setting of the headline (FULL: fsync at every commit)').choices(['FULL', 'NORMAL']).default('FULL'))
  .option('--also-normal', 'also measure Florin with synchronous=NORMAL (labelled; never the headline)', false)
  .addOption(new Option('--coordinator <placement>', 'where the coordinator runs: its own process (like redis-server) or inline in this one').choices(['process', 'inline']).default('process'))
  .option('--coordinator-option <key=value>', 'a CoordinatorOptions number (repeatable), e.g. watchCoalesceMs=20', coordinatorOption, {})
  .option('--redis <host:port>', 'the Redis BullMQ uses', '127.0.0.1:6379')
  .option('--no-bullmq', 'skip BullMQ (its figures are then null)')
  .option('--timeout <s>', 'a batch taking longer fails the benchmark', integerOption('--timeout', 1, 3600), 120)
  .option('--profile <dir>', 'CPU profiles of the Florin side into <dir>: the coordinator process (--cpu-prof) and this process during timed batches; read them with bench/dist/profile-top.js');

runBench(async () => {
  const options = program.parse().opts<DispatchOptions>();
  const results: ConfigResult[] = [];
  let redis: RedisTarget | undefined;
  let redisProblem: string | undefined;
  if (options.bullmq) {
    const [host = '127.0.0.1', port = '6379'] = options.redis.split(':');
    const probe = await probeRedis(host, Number(port));
    redis = probe.target;
    if (!redis) {
      redisProblem = `Redis at ${options.redis} is not reachable (${probe.reason}): BullMQ figures are null`;
      progress(redisProblem);
    }
  } else {
    redisProblem = 'BullMQ skipped (--no-bullmq): its figures are null';
  }
  const profiler = new CpuProfiler(options.profile);
  const loadAtStart = loadavg()[0]!;
  let fsync: FsyncLatency | undefined;
  await withTempDir('florin-bench-dispatch', async (dir) => {
    fsync = probeFsync(dir);
    progress(`disk: fdatasync p50 ${fsync.p50Ms} ms, p90 ${fsync.p90Ms} ms, max ${fsync.maxMs} ms; load average ${loadAtStart.toFixed(2)} on ${cpus().length} CPUs`);
    const plane = await startMiniDataPlane(dir);
    try {
      const modes: SqliteSynchronous[] = options.alsoNormal && options.synchronous === 'FULL' ? ['FULL', 'NORMAL'] : [options.synchronous];
      for (const concurrency of options.concurrency) {
        const batchSize = options.batchSize ?? Math.max(QCU_DEFAULTS.batchSize, concurrency);
        for (const workers of options.workers) {
          const shape = { workers, concurrency, batchSize };
          const openers: ContenderOpener[] = modes.map((synchronous) => florinOpener(dir, plane, options, shape, synchronous, profiler));
          if (redis) openers.push(bullmqOpener(redis, options, shape));
          progress(`${workers} worker(s) x concurrency ${concurrency}: ${options.rounds} round(s) of ${options.tasks} tasks each ...`);
          const measured = await withContenders(openers, (contenders) => runRounds(contenders, options));
          for (const [k, { runs, light }] of measured.entries()) {
            const synchronous = k < modes.length ? modes[k] : undefined;
            results.push({
              system: synchronous ? 'florin' : 'bullmq',
              ...(synchronous ? { synchronous, batchSize } : {}),
              workers,
              concurrency,
              run: medianRun(runs),
              roundsTasksPerSec: runs.map((r) => Math.round(r.tasksPerSec)),
              light,
            });
          }
        }
      }
    } finally {
      profiler.close();
      await plane.close();
    }
  });
  const leftKeys = redis ? await countKeys(redis, `${BULLMQ_PREFIX}:*`) : undefined;
  printReport(dispatchReport(results, options, { redis, redisProblem, leftKeys, cpus: cpus().length, node: process.version, fsync, loadAverage: [loadAtStart, loadavg()[0]!] }), options);
});

/** One configuration's worker count, per-worker concurrency and QcuWorker batchSize. */
interface Shape {
  readonly workers: number;
  readonly concurrency: number;
  readonly batchSize: number;
}

function florinOpener(dir: string, plane: MiniDataPlane, options: DispatchOptions, shape: Shape, synchronous: SqliteSynchronous, profiler: CpuProfiler): ContenderOpener {
  const name = `florin-${shape.workers}x${shape.concurrency}-b${shape.batchSize}-${synchronous}`;
  const execArgv = options.profile && options.coordinator === 'process' ? ['--cpu-prof', '--cpu-prof-dir', options.profile, '--cpu-prof-name', `coordinator-${name}.cpuprofile`] : [];
  const setup = {
    name,
    qcus: shape.workers,
    concurrency: shape.concurrency,
    batchSize: shape.batchSize,
    synchronous,
    placement: options.coordinator,
    coordinator: options.coordinatorOption,
    coordinatorExecArgv: execArgv,
    batchTimeoutMs: options.timeout * 1000,
  };
  return (body) =>
    withFlorinFleet(dir, plane, setup, (fleet) =>
      body({
        name,
        runBatch: (tasks) => fleet.runBatch(tasks, options.jobs),
        runTrickle: (count, intervalMs) => fleet.runTrickle(count, intervalMs),
        around: (round, batch) => profiler.profile(`qcus-${name}-r${round}`, batch),
      }),
    );
}

function bullmqOpener(redis: RedisTarget, options: DispatchOptions, shape: Shape): ContenderOpener {
  const name = `bullmq-${shape.workers}x${shape.concurrency}`;
  const setup = { name, workers: shape.workers, concurrency: shape.concurrency, batchTimeoutMs: options.timeout * 1000 };
  return (body) =>
    withBullmqFleet(redis, setup, (fleet) =>
      body({ name, runBatch: (tasks) => fleet.runBatch(tasks), runTrickle: (count, intervalMs) => fleet.runTrickle(count, intervalMs) }),
    );
}

function integerList(flag: string, min: number, max: number): (value: string) => number[] {
  const parse = integerOption(flag, min, max);
  return (value) => value.split(',').map((v) => parse(v.trim()));
}

function coordinatorOption(value: string, previous: CoordinatorOptions): CoordinatorOptions {
  const m = /^(\w+)=(\d+)$/.exec(value.trim());
  if (!m || !(m[1]! in COORDINATOR_DEFAULTS)) {
    throw new InvalidArgumentError(`--coordinator-option must be key=integer with key one of ${Object.keys(COORDINATOR_DEFAULTS).join(', ')}; got ${JSON.stringify(value)}`);
  }
  return { ...previous, [m[1]!]: Number(m[2]) };
}
