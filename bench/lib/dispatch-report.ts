import type { SqliteSynchronous } from '@florin/coordinator';
import type { LatencySummary } from '@florin/cli';
import { BULLMQ_PREFIX, type RedisTarget } from './bullmq-dispatch.js';
import type { DispatchRun } from './dispatch-run.js';
import type { FsyncLatency } from './fsync-probe.js';
import { formatCount, formatMs, type BenchReport } from './report.js';

/** One measured configuration. */
export interface ConfigResult {
  readonly system: 'florin' | 'bullmq';
  /** Florin only: the SQLite synchronous setting. */
  readonly synchronous?: SqliteSynchronous;
  /** Florin only: QcuWorker batchSize. */
  readonly batchSize?: number;
  readonly workers: number;
  readonly concurrency: number;
  /** The round with the median throughput. */
  readonly run: DispatchRun;
  /** Throughput of every round, in order. */
  readonly roundsTasksPerSec: readonly number[];
  /** The light-load run: single tasks, one at a time. */
  readonly light: DispatchRun | undefined;
}

/** The settings the report states. */
export interface DispatchReportOptions {
  readonly tasks: number;
  readonly rounds: number;
  readonly lightTasks: number;
  readonly lightIntervalMs: number;
  readonly jobs: number;
  readonly warmup: number;
  readonly concurrency: readonly number[];
  readonly batchSize: number | undefined;
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
  /** fdatasync latency of the disk holding the SQLite files, measured before the run. */
  readonly fsync: FsyncLatency | undefined;
  /** 1-minute load average at the start and the end (other work on the machine skews every figure). */
  readonly loadAverage: readonly [number, number];
}

/** The target of the issue: Florin at least this many times BullMQ's throughput, durably. */
const TARGET_RATIO = 3;

const SYNC_MEANING: Record<SqliteSynchronous, string> = {
  FULL: 'SQLite WAL, synchronous=FULL: the WAL is fsync\'ed before a submit, an outcome or a cancel is answered (survives power loss); lease grants and heartbeats commit without an fsync of their own and reach the disk with the next one (a grant lost to a power loss only requeues its task)',
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
    const b = bull.find((x) => x.workers === f.workers && x.concurrency === f.concurrency);
    return {
      workers: f.workers,
      concurrency: f.concurrency,
      florinTasksPerSec: round(f.run.tasksPerSec, 0),
      bullmqTasksPerSec: b ? round(b.run.tasksPerSec, 0) : null,
      ratio: b ? round(f.run.tasksPerSec / b.run.tasksPerSec, 3) : null,
    };
  });
  const label = (r: ConfigResult): string => (r.system === 'florin' ? `florin ${r.synchronous}${r.synchronous === options.synchronous ? '' : ' (not headline)'}` : 'bullmq');
  const redis = env.redis;
  const bullDurability = redis
    ? `Redis ${redis.version} appendonly=${redis.appendonly} save="${redis.save}"${redis.appendonly === 'no' && redis.save === '' ? ': in memory only, nothing reaches the disk' : ''}`
    : null;
  const basis = bestFlorin && bestBull ? `best configuration of each: florin ${shapeOf(bestFlorin)}, bullmq ${shapeOf(bestBull)}; ratios at matching configurations in "matching"` : null;
  return {
    title: `dispatch: ${options.rounds} round(s) of ${formatCount(options.tasks)} no-op tasks per configuration (median round shown); workers x concurrency per worker (QcuWorker batchSize b)`,
    head: ['system', 'workers', 'tasks/s', 'rounds tasks/s', 'done p50 ms', 'done p95 ms', 'done p99 ms', 'light p50/p99 ms', 'server CPU µs/task', 'client CPU µs/task', 'reruns'],
    rows: [
      ...results.map((r) => [
        label(r),
        r.batchSize === undefined ? `${r.workers} x ${r.concurrency}` : `${r.workers} x ${r.concurrency} b${r.batchSize}`,
        formatCount(r.run.tasksPerSec),
        r.roundsTasksPerSec.map(formatCount).join(' '),
        formatMs(r.run.doneLatency.p50Ms),
        formatMs(r.run.doneLatency.p95Ms),
        formatMs(r.run.doneLatency.p99Ms),
        r.light ? `${formatMs(r.light.doneLatency.p50Ms)} / ${formatMs(r.light.doneLatency.p99Ms)}` : '',
        r.run.serverCpuMs === null ? 'n/a' : perTaskUs(r.run.serverCpuMs, r.run.tasks),
        perTaskUs(r.run.clientCpuMs, r.run.tasks),
        r.run.reruns + (r.light?.reruns ?? 0),
      ]),
      ...matching.map((m) => [`ratio florin ${options.synchronous} / bullmq`, `${m.workers} x ${m.concurrency}`, m.ratio === null ? 'n/a' : `${m.ratio.toFixed(2)}x`, '', '', '', '', '', '', '', '']),
    ],
    notes: [
      `florin: ${SYNC_MEANING[options.synchronous]}; coordinator in ${options.coordinator === 'process' ? 'its own process' : 'this process'}, QcuWorkers (no-op unit, computeThreads 0) in this process, ${options.jobs === 1 ? 'one job' : `${options.jobs} jobs`} of single-symbol tasks per batch`,
      bullDurability ? `bullmq: ${bullDurability}; Workers in this process, one addBulk per batch, completed jobs kept (BullMQ default)` : `bullmq: ${env.redisProblem ?? 'not measured'}`,
      'tasks/s = tasks / (last completion stamp - submit call); done = per task, from the submit call to the dispatcher\'s completion stamp (start latencies, to when the task code began, are in the JSON)',
      '(florin: coord_tasks.updated_ms, written in the CompleteTasks transaction; bullmq: job.finishedOn); all clocks are this machine\'s Date.now(), 1 ms resolution',
      'server CPU = CPU time of the coordinator process (florin) / redis-server (bullmq, INFO cpu: includes any other client of that Redis) per task; client CPU = this process (workers and submitter) per task',
      `light = light load after the rounds: ${options.lightTasks} single tasks (florin: one-task jobs; bullmq: add()), one every ${options.lightIntervalMs} ms, submit-to-done per task`,
      ratio === null
        ? `headline: florin ${bestFlorin ? formatCount(bestFlorin.run.tasksPerSec) : 'n/a'} tasks/s; bullmq not measured`
        : `headline (${basis}): florin ${formatCount(bestFlorin!.run.tasksPerSec)} tasks/s vs bullmq ${formatCount(bestBull!.run.tasksPerSec)} tasks/s = ${ratio.toFixed(2)}x (target ${TARGET_RATIO}x: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`,
      `machine: ${env.cpus} CPUs, load average ${env.loadAverage[0].toFixed(2)} at start, ${env.loadAverage[1].toFixed(2)} at end${env.fsync ? `; disk fdatasync p50 ${env.fsync.p50Ms} ms, p90 ${env.fsync.p90Ms} ms, max ${env.fsync.maxMs} ms (FULL pays one per commit)` : ''}`,
      ...(env.leftKeys !== undefined ? [`redis keys left under "${BULLMQ_PREFIX}:*" after cleanup: ${env.leftKeys}`] : []),
    ],
    result: {
      bench: 'dispatch',
      florinTasksPerSec: bestFlorin ? round(bestFlorin.run.tasksPerSec, 0) : null,
      bullmqTasksPerSec: bestBull ? round(bestBull.run.tasksPerSec, 0) : null,
      ratio: ratio === null ? null : round(ratio, 3),
      ratioBasis: basis,
      // Light-load submit-to-done latency of each system's headline (best) configuration, and of its best light-load configuration.
      light: {
        florin: lightOf(bestFlorin),
        bullmq: lightOf(bestBull),
        florinBest: lightOf(bestLight(headline)),
        bullmqBest: lightOf(bestLight(bull)),
      },
      target: TARGET_RATIO,
      meetsTarget: ratio === null ? null : ratio >= TARGET_RATIO,
      durability: { florin: SYNC_MEANING[options.synchronous], florinSynchronous: options.synchronous, bullmq: bullDurability },
      matching,
      configurations: results.map((r) => ({
        system: r.system,
        ...(r.synchronous ? { synchronous: r.synchronous, headline: r.synchronous === options.synchronous } : {}),
        workers: r.workers,
        concurrency: r.concurrency,
        ...(r.batchSize === undefined ? {} : { batchSize: r.batchSize }),
        tasks: r.run.tasks,
        tasksPerSec: round(r.run.tasksPerSec, 0),
        roundsTasksPerSec: r.roundsTasksPerSec,
        submitMs: r.run.submitMs,
        elapsedMs: r.run.elapsedMs,
        observedMs: r.run.observedMs,
        reruns: r.run.reruns,
        serverCpuMs: r.run.serverCpuMs,
        serverCpuUsPerTask: r.run.serverCpuMs === null ? null : round((r.run.serverCpuMs * 1000) / r.run.tasks, 1),
        clientCpuMs: r.run.clientCpuMs,
        clientCpuUsPerTask: round((r.run.clientCpuMs * 1000) / r.run.tasks, 1),
        startLatencyMs: latencyJson(r.run.startLatency),
        doneLatencyMs: latencyJson(r.run.doneLatency),
        light: r.light ? { tasks: r.light.tasks, reruns: r.light.reruns, startLatencyMs: latencyJson(r.light.startLatency), doneLatencyMs: latencyJson(r.light.doneLatency) } : null,
      })),
      settings: {
        tasks: options.tasks,
        rounds: options.rounds,
        lightTasks: options.lightTasks,
        lightIntervalMs: options.lightIntervalMs,
        florinJobsPerBatch: options.jobs,
        warmup: options.warmup,
        concurrency: options.concurrency,
        batchSize: options.batchSize ?? 'max(16, concurrency)',
        coordinator: options.coordinator,
        coordinatorOptions: options.coordinatorOption,
      },
      env: { node: env.node, cpus: env.cpus, loadAverage: env.loadAverage.map((l) => round(l, 2)), fsyncMs: env.fsync ?? null, redis: redis ? `${redis.host}:${redis.port}` : null, redisProblem: env.redisProblem ?? null, redisKeysLeft: env.leftKeys ?? null },
    },
  };
}

function perTaskUs(ms: number, tasks: number): string {
  return Math.round((ms * 1000) / Math.max(1, tasks)).toLocaleString('en-US');
}

function shapeOf(r: ConfigResult): string {
  return `${r.workers} x ${r.concurrency}${r.batchSize === undefined ? '' : ` batchSize ${r.batchSize}`}`;
}

function best(results: readonly ConfigResult[]): ConfigResult | undefined {
  return results.reduce<ConfigResult | undefined>((a, r) => (!a || r.run.tasksPerSec > a.run.tasksPerSec ? r : a), undefined);
}

/** The configuration with the lowest light-load p50. */
function bestLight(results: readonly ConfigResult[]): ConfigResult | undefined {
  return results.reduce<ConfigResult | undefined>((a, r) => (r.light && (!a?.light || r.light.doneLatency.p50Ms < a.light.doneLatency.p50Ms) ? r : a), undefined);
}

function lightOf(r: ConfigResult | undefined) {
  if (!r?.light) return null;
  return { configuration: shapeOf(r), doneLatencyMs: latencyJson(r.light.doneLatency), startLatencyMs: latencyJson(r.light.startLatency) };
}

function latencyJson(l: LatencySummary) {
  return { p50: l.p50Ms, p95: l.p95Ms, p99: l.p99Ms, max: l.maxMs, mean: round(l.meanMs, 1) };
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
