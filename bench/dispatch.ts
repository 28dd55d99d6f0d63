import { cpus } from 'node:os';
import { InvalidArgumentError, Option } from 'commander';
import { COORDINATOR_DEFAULTS, type CoordinatorOptions, type SqliteSynchronous } from '@florin/coordinator';
import { QCU_DEFAULTS } from '@florin/qcu';
import { benchCommand, integerOption, progress, runBench } from './lib/bench-options.js';
import { BULLMQ_PREFIX, countKeys, probeRedis, withBullmqFleet, type RedisTarget } from './lib/bullmq-dispatch.js';
import type { CoordinatorPlacement } from './lib/coordinator-host.js';
import { CpuProfiler } from './lib/cpu-profile.js';
import { startMiniDataPlane, type MiniDataPlane } from './lib/data-plane.js';
import { dispatchReport, type ConfigResult } from './lib/dispatch-report.js';
import type { DispatchRun } from './lib/dispatch-run.js';
import { withFlorinFleet } from './lib/florin-dispatch.js';
import { printReport } from './lib/report.js';
import { withTempDir } from './lib/temp-dir.js';

export interface DispatchOptions {
  json: boolean;
  tasks: number;
  warmup: number;
  workers: number[];
  concurrency: number;
  batchSize: number;
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
  .option('--tasks <n>', 'tasks (Florin: one job of n single-symbol tasks; BullMQ: n jobs in one addBulk) per timed batch', integerOption('--tasks', 1, 100_000), 5_000)
  .option('--warmup <n>', 'tasks of the untimed batch run first in each configuration (0: none)', integerOption('--warmup', 0, 100_000), 500)
  .option('--workers <list>', 'comma-separated worker counts: QcuWorkers and BullMQ Workers, one configuration each', workerList, [1, 4, 16])
  .option('--concurrency <n>', 'tasks run at once per worker (QcuWorker concurrency = BullMQ Worker concurrency)', integerOption('--concurrency', 1, 1000), QCU_DEFAULTS.concurrency)
  .option('--batch-size <n>', 'QcuWorker batchSize: most tasks per LeaseTasks call', integerOption('--batch-size', 1, 1000), QCU_DEFAULTS.batchSize)
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
  await withTempDir('florin-bench-dispatch', async (dir) => {
    const plane = await startMiniDataPlane(dir);
    try {
      const modes: SqliteSynchronous[] = options.alsoNormal && options.synchronous === 'FULL' ? ['FULL', 'NORMAL'] : [options.synchronous];
      for (const workers of options.workers) {
        for (const synchronous of modes) {
          results.push({ system: 'florin', synchronous, workers, concurrency: options.concurrency, run: await florinConfig(dir, plane, options, workers, synchronous, profiler) });
        }
        if (redis) results.push({ system: 'bullmq', workers, concurrency: options.concurrency, run: await bullmqConfig(redis, options, workers) });
      }
    } finally {
      profiler.close();
      await plane.close();
    }
  });
  const leftKeys = redis ? await countKeys(redis, `${BULLMQ_PREFIX}:*`) : undefined;
  printReport(dispatchReport(results, options, { redis, redisProblem, leftKeys, cpus: cpus().length, node: process.version }), options);
});

async function florinConfig(dir: string, plane: MiniDataPlane, options: DispatchOptions, workers: number, synchronous: SqliteSynchronous, profiler: CpuProfiler): Promise<DispatchRun> {
  const name = `florin-${workers}qcu-${synchronous}`;
  const execArgv = options.profile && options.coordinator === 'process' ? ['--cpu-prof', '--cpu-prof-dir', options.profile, '--cpu-prof-name', `coordinator-${name}.cpuprofile`] : [];
  const setup = {
    name,
    qcus: workers,
    concurrency: options.concurrency,
    batchSize: options.batchSize,
    synchronous,
    placement: options.coordinator,
    coordinator: options.coordinatorOption,
    coordinatorExecArgv: execArgv,
    batchTimeoutMs: options.timeout * 1000,
  };
  return withFlorinFleet(dir, plane, setup, async (fleet) => {
    if (options.warmup > 0) await fleet.runBatch(options.warmup);
    progress(`${name}: ${options.tasks} tasks (coordinator ${fleet.coordinator.placement}${fleet.coordinator.pid ? ` pid ${fleet.coordinator.pid}` : ''}) ...`);
    const run = await profiler.profile(`qcus-${name}`, () => fleet.runBatch(options.tasks));
    progress(`${name}: ${Math.round(run.tasksPerSec)} tasks/s, done p50 ${run.doneLatency.p50Ms} ms`);
    return run;
  });
}

async function bullmqConfig(redis: RedisTarget, options: DispatchOptions, workers: number): Promise<DispatchRun> {
  const name = `bullmq-${workers}w`;
  return withBullmqFleet(redis, { name, workers, concurrency: options.concurrency, batchTimeoutMs: options.timeout * 1000 }, async (fleet) => {
    if (options.warmup > 0) await fleet.runBatch(options.warmup);
    progress(`${name}: ${options.tasks} jobs ...`);
    const run = await fleet.runBatch(options.tasks);
    progress(`${name}: ${Math.round(run.tasksPerSec)} tasks/s, done p50 ${run.doneLatency.p50Ms} ms`);
    return run;
  });
}

function workerList(value: string): number[] {
  const parse = integerOption('--workers', 1, 256);
  return value.split(',').map((v) => parse(v.trim()));
}

function coordinatorOption(value: string, previous: CoordinatorOptions): CoordinatorOptions {
  const m = /^(\w+)=(\d+)$/.exec(value.trim());
  if (!m || !(m[1]! in COORDINATOR_DEFAULTS)) {
    throw new InvalidArgumentError(`--coordinator-option must be key=integer with key one of ${Object.keys(COORDINATOR_DEFAULTS).join(', ')}; got ${JSON.stringify(value)}`);
  }
  return { ...previous, [m[1]!]: Number(m[2]) };
}
