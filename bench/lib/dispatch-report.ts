import type { SqliteSynchronous } from '@florin/coordinator';
import type { LatencySummary } from '@florin/cli';
import type { RedisTarget } from './bullmq-dispatch.js';
import type { DispatchRun } from './dispatch-run.js';
import { formatCount, formatMs, type BenchReport } from './report.js';

/** One measured configuration. */
export interface ConfigResult {
  readonly system: 'florin' | 'bullmq';
  /** Florin only: the SQLite synchronous setting. */
  readonly synchronous?: SqliteSynchronous;
  readonly workers: number;
  readonly concurrency: number;
  readonly run: DispatchRun;
}

/** The settings the report states. */
export interface DispatchReportOptions {
  readonly tasks: number;
  readonly warmup: number;
  readonly concurrency: number;
  readonly batchSize: number;
  readonly synchronous: SqliteSynchronous;
  readonly coordinator: string;
  readonly coordinatorOption: object;
}

export interface DispatchEnvironment {
  readonly redis: RedisTarget | undefined;
  readonly redisProblem: string | undefined;
  /** Keys left under the benchmark's Redis prefix after cleanup (should be 0). */
  readonly leftKeys: number | undefined;
  readonly cpus: number;
  readonly node: string;
}

/** The target of the issue: Florin at least this many times BullMQ's throughput, durably. */
const TARGET_RATIO = 2;

const SYNC_MEANING: Record<SqliteSynchronous, string> = {
  FULL: 'SQLite WAL, synchronous=FULL: the WAL is fsync\'ed at every commit (survives power loss)',
  NORMAL: 'SQLite WAL, synchronous=NORMAL: no fsync at commit (survives a process crash, not a power loss)',
};

/** The table, the notes and the JSON result of a dispatch run. */
export function dispatchReport(results: readonly ConfigResult[], options: DispatchReportOptions, env: DispatchEnvironment): BenchReport {
  const headline = results.filter((r) => r.system === 'florin' && r.synchronous === options.synchronous);
  const bull = results.filter((r) => r.system === 'bullmq');
  const bestFlorin = best(headline);
  const bestBull = best(bull);
  const ratio = bestFlorin && bestBull ? bestFlorin.run.tasksPerSec / bestBull.run.tasksPerSec : null;
  const matching = headline.map((f) => {
    const b = bull.find((x) => x.workers === f.workers);
    return { workers: f.workers, florinTasksPerSec: round(f.run.tasksPerSec, 0), bullmqTasksPerSec: b ? round(b.run.tasksPerSec, 0) : null, ratio: b ? round(f.run.tasksPerSec / b.run.tasksPerSec, 3) : null };
  });
  const label = (r: ConfigResult): string => (r.system === 'florin' ? `florin ${r.synchronous}${r.synchronous === options.synchronous ? '' : ' (not headline)'}` : 'bullmq');
  const redis = env.redis;
  const bullDurability = redis
    ? `Redis ${redis.version} appendonly=${redis.appendonly} save="${redis.save}"${redis.appendonly === 'no' && redis.save === '' ? ': in memory only, nothing reaches the disk' : ''}`
    : null;
  const basis = bestFlorin && bestBull ? `best configuration of each: florin ${bestFlorin.workers} QCUs, bullmq ${bestBull.workers} Workers (both concurrency ${options.concurrency}); per-worker-count ratios in "matching"` : null;
  return {
    title: `dispatch: ${formatCount(options.tasks)} no-op tasks per configuration, worker concurrency ${options.concurrency}, QcuWorker batchSize ${options.batchSize}, coordinator ${options.coordinator}`,
    head: ['system', 'workers', 'tasks/s', 'submit ms', 'elapsed ms', 'start p50 ms', 'done p50 ms', 'done p95 ms', 'done p99 ms', 'reruns'],
    rows: [
      ...results.map((r) => [
        label(r),
        `${r.workers} x ${r.concurrency}`,
        formatCount(r.run.tasksPerSec),
        formatMs(r.run.submitMs),
        formatMs(r.run.elapsedMs),
        formatMs(r.run.startLatency.p50Ms),
        formatMs(r.run.doneLatency.p50Ms),
        formatMs(r.run.doneLatency.p95Ms),
        formatMs(r.run.doneLatency.p99Ms),
        r.run.reruns,
      ]),
      ...matching.map((m) => [`ratio florin ${options.synchronous} / bullmq`, `${m.workers}`, m.ratio === null ? 'n/a' : `${m.ratio.toFixed(2)}x`, '', '', '', '', '', '', '']),
    ],
    notes: [
      `florin: ${SYNC_MEANING[options.synchronous]}; coordinator in ${options.coordinator === 'process' ? 'its own process' : 'this process'}, QcuWorkers (no-op unit, computeThreads 0) in this process, one job of single-symbol tasks per batch`,
      `bullmq: ${bullDurability ?? env.redisProblem ?? 'not measured'}; Workers in this process, one addBulk per batch, completed jobs kept (BullMQ default)`,
      'tasks/s = tasks / (last completion stamp - submit call); latencies are per task from the submit call: start = the task code began, done = the dispatcher stamped its completion',
      '(florin: coord_tasks.updated_ms, written in the CompleteTasks transaction; bullmq: job.finishedOn); all clocks are this machine\'s Date.now(), 1 ms resolution',
      ratio === null
        ? `headline: florin ${bestFlorin ? formatCount(bestFlorin.run.tasksPerSec) : 'n/a'} tasks/s; bullmq not measured`
        : `headline (${basis}): florin ${formatCount(bestFlorin!.run.tasksPerSec)} tasks/s vs bullmq ${formatCount(bestBull!.run.tasksPerSec)} tasks/s = ${ratio.toFixed(2)}x (target ${TARGET_RATIO}x: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`,
      ...(env.leftKeys !== undefined ? [`redis keys left under ${'"'}florin-bench:*${'"'} after cleanup: ${env.leftKeys}`] : []),
    ],
    result: {
      bench: 'dispatch',
      florinTasksPerSec: bestFlorin ? round(bestFlorin.run.tasksPerSec, 0) : null,
      bullmqTasksPerSec: bestBull ? round(bestBull.run.tasksPerSec, 0) : null,
      ratio: ratio === null ? null : round(ratio, 3),
      ratioBasis: basis,
      target: TARGET_RATIO,
      meetsTarget: ratio === null ? null : ratio >= TARGET_RATIO,
      durability: { florin: SYNC_MEANING[options.synchronous], florinSynchronous: options.synchronous, bullmq: bullDurability },
      matching,
      configurations: results.map((r) => ({
        system: r.system,
        ...(r.synchronous ? { synchronous: r.synchronous, headline: r.synchronous === options.synchronous } : {}),
        workers: r.workers,
        concurrency: r.concurrency,
        ...(r.system === 'florin' ? { batchSize: options.batchSize } : {}),
        tasks: r.run.tasks,
        tasksPerSec: round(r.run.tasksPerSec, 0),
        submitMs: r.run.submitMs,
        elapsedMs: r.run.elapsedMs,
        observedMs: r.run.observedMs,
        reruns: r.run.reruns,
        startLatencyMs: latencyJson(r.run.startLatency),
        doneLatencyMs: latencyJson(r.run.doneLatency),
      })),
      settings: {
        tasks: options.tasks,
        warmup: options.warmup,
        concurrency: options.concurrency,
        batchSize: options.batchSize,
        coordinator: options.coordinator,
        coordinatorOptions: options.coordinatorOption,
      },
      env: { node: env.node, cpus: env.cpus, redis: redis ? `${redis.host}:${redis.port}` : null, redisProblem: env.redisProblem ?? null, redisKeysLeft: env.leftKeys ?? null },
    },
  };
}

function best(results: readonly ConfigResult[]): ConfigResult | undefined {
  return results.reduce<ConfigResult | undefined>((a, r) => (!a || r.run.tasksPerSec > a.run.tasksPerSec ? r : a), undefined);
}

function latencyJson(l: LatencySummary) {
  return { p50: l.p50Ms, p95: l.p95Ms, p99: l.p99Ms, max: l.maxMs, mean: round(l.meanMs, 1) };
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
