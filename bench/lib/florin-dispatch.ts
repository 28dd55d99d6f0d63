import { join } from 'node:path';
import Database from 'better-sqlite3';
import { JobsClient, type Job } from '@florin/client';
import type { CoordinatorOptions, SqliteSynchronous } from '@florin/coordinator';
import { QcuWorker, defineUnit, type Unit } from '@florin/qcu';
import { startBenchCoordinator, type BenchCoordinator, type CoordinatorPlacement } from './coordinator-host.js';
import { cpuMark, cpuSpent, paced, summarizeBatch, summarizeTrickle, timeoutSignal, type DispatchRun } from './dispatch-run.js';
import type { MiniDataPlane } from './data-plane.js';

/** One Florin configuration: a fresh coordinator over a fresh SQLite file, and `qcus` QcuWorkers in this process. */
export interface FlorinSetup {
  /** Name of this configuration (also names its SQLite file). */
  readonly name: string;
  readonly qcus: number;
  /** QcuWorker concurrency (tasks run at once per worker). */
  readonly concurrency: number;
  /** QcuWorker batchSize (most tasks per LeaseTasks). */
  readonly batchSize: number;
  readonly synchronous: SqliteSynchronous;
  readonly placement: CoordinatorPlacement;
  readonly coordinator?: CoordinatorOptions;
  /** Node flags of the coordinator process (e.g. --cpu-prof). */
  readonly coordinatorExecArgv?: readonly string[];
  /** A batch that takes longer fails the benchmark. */
  readonly batchTimeoutMs: number;
}

/** A running configuration: submit batches of no-op tasks and measure them. */
export interface FlorinFleet {
  readonly coordinator: BenchCoordinator;
  /** `tasks` single-symbol tasks in `jobs` jobs (default 1) submitted at once; resolves the measurement once every job succeeded. */
  runBatch(tasks: number, jobs?: number): Promise<DispatchRun>;
  /** Light load: `count` one-task jobs, one submitted every `intervalMs`; latencies are per job from its own submit. */
  runTrickle(count: number, intervalMs: number): Promise<DispatchRun>;
}

const NOOP_DATASET = 'bench_dispatch_in';

/**
 * First-run time and run count of every task, recorded by the no-op unit
 * itself (the unit runs in this process, so its clock is the submitter's).
 */
class StartLog {
  /** taskId -> first start and number of runs. */
  private readonly tasks = new Map<string, { first: number; runs: number }>();

  record(taskId: string): void {
    const t = this.tasks.get(taskId);
    if (t) t.runs++;
    else this.tasks.set(taskId, { first: Date.now(), runs: 1 });
  }

  /** Start stamps and run count of one job's tasks; forgets them. */
  take(jobId: string): { starts: number[]; runs: number } {
    const starts: number[] = [];
    let runs = 0;
    for (const [taskId, t] of this.tasks) {
      if (taskId.startsWith(`${jobId}/`)) {
        starts.push(t.first);
        runs += t.runs;
        this.tasks.delete(taskId);
      }
    }
    return { starts, runs };
  }
}

function noopUnit(log: StartLog): Unit {
  return defineUnit({
    name: 'bench.noop',
    version: '1',
    description: 'dispatch benchmark: does nothing, records when it ran',
    params: {},
    output: { dataset: 'bench_dispatch_out', fields: ['x'], frequency: '1d' },
    run(_ctx, task) {
      log.record(task.taskId);
      return null;
    },
  });
}

/** Starts the configuration, runs `body`, and closes workers and coordinator whatever happens. */
export async function withFlorinFleet<T>(dir: string, plane: MiniDataPlane, setup: FlorinSetup, body: (fleet: FlorinFleet) => Promise<T>): Promise<T> {
  const dbPath = join(dir, `jobs-${setup.name.replace(/[^\w.-]+/g, '_')}.sqlite`);
  const coordinator = await startBenchCoordinator({
    store: { kind: 'sqlite', path: dbPath, synchronous: setup.synchronous },
    placement: setup.placement,
    options: setup.coordinator,
    execArgv: setup.coordinatorExecArgv,
  });
  const log = new StartLog();
  const unit = noopUnit(log);
  const errors: string[] = [];
  const workers: QcuWorker[] = [];
  const jobs = new JobsClient(coordinator.address);
  let db: Database.Database | undefined;
  try {
    // A read-only view of the coordinator's file (WAL: reads never block it), for the completion stamps.
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    for (let i = 0; i < setup.qcus; i++) {
      const worker = new QcuWorker({
        coordinator: coordinator.address,
        heads: plane.heads,
        units: [unit],
        workerId: `bench-qcu-${i}`,
        concurrency: setup.concurrency,
        batchSize: setup.batchSize,
        computeThreads: 0,
        onLog: () => undefined,
        onError: (err, during) => errors.push(`${during}: ${err instanceof Error ? err.message : String(err)}`),
      });
      workers.push(worker);
    }
    await Promise.all(workers.map((w) => w.start()));
    const taskStamps = db.prepare<[string], { state: string; updated_ms: number }>(`SELECT state, updated_ms FROM coord_tasks WHERE job_id = ? AND final = 0`);
    const submission = (size: number) => ({ unit: unit.name, dataset: NOOP_DATASET, symbols: Array.from({ length: size }, (_, i) => `T${i}`), startMs: 0, endMs: 86_400_000, taskSize: 1 });
    /** The finished job's stamps; throws unless every task succeeded. */
    const stampsOf = (job: Job, size: number): { starts: number[]; dones: number[]; runs: number } => {
      if (job.state !== 'succeeded') throw new Error(`florin ${setup.name}: job ${job.jobId} ended ${job.state}: ${job.error ?? ''}; worker errors: ${errors.slice(0, 3).join(' | ')}`);
      // Completion stamps: the coordinator writes updated_ms (its clock at the CompleteTasks call) in the transaction that records the outcome.
      const rows = taskStamps.all(job.jobId);
      const notDone = rows.filter((r) => r.state !== 'succeeded').length;
      if (rows.length !== size || notDone > 0) throw new Error(`florin ${setup.name}: job ${job.jobId} has ${rows.length} tasks, ${notDone} not succeeded`);
      return { ...log.take(job.jobId), dones: rows.map((r) => Number(r.updated_ms)) };
    };
    const fleet: FlorinFleet = {
      coordinator,
      async runBatch(tasks, jobCount = 1) {
        const sizes = splitEvenly(tasks, jobCount);
        const signal = timeoutSignal(setup.batchTimeoutMs);
        const mark = await cpuMark(() => coordinator.cpuMs());
        const submitAtMs = Date.now();
        const handles = await Promise.all(sizes.map((size) => jobs.submit(submission(size), { signal })));
        const submittedAtMs = Date.now();
        const finished = await Promise.all(handles.map((h) => h.wait({ signal })));
        const observedAtMs = Date.now();
        const cpu = await cpuSpent(mark);
        const all = finished.map((job, k) => stampsOf(job, sizes[k]!));
        return summarizeBatch(`florin ${setup.name}`, {
          tasks,
          submitAtMs,
          submittedAtMs,
          observedAtMs,
          startedAtMs: all.flatMap((a) => a.starts),
          doneAtMs: all.flatMap((a) => a.dones),
          runs: all.reduce((n, a) => n + a.runs, 0),
          cpu,
        });
      },
      async runTrickle(count, intervalMs) {
        const signal = timeoutSignal(setup.batchTimeoutMs);
        const mark = await cpuMark(() => coordinator.cpuMs());
        const pending = await paced(count, intervalMs, async () => {
          const submitAtMs = Date.now();
          const handle = await jobs.submit(submission(1), { signal });
          return { submitAtMs, job: await handle.wait({ signal }) };
        });
        const finished = await Promise.all(pending);
        const cpu = await cpuSpent(mark);
        let runs = 0;
        const samples = finished.map(({ submitAtMs, job }) => {
          const stamps = stampsOf(job, 1);
          runs += stamps.runs;
          return { submitAtMs, startedAtMs: stamps.starts[0] ?? NaN, doneAtMs: stamps.dones[0] ?? NaN };
        });
        return summarizeTrickle(`florin ${setup.name}`, samples, runs, cpu);
      },
    };
    return await body(fleet);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    jobs.close();
    db?.close();
    await coordinator.close();
    if (errors.length > 0) process.stderr.write(`florin ${setup.name}: ${errors.length} worker errors, first: ${errors[0]}\n`);
  }
}

/** `total` split into `parts` sizes differing by at most one (no zero parts). */
function splitEvenly(total: number, parts: number): number[] {
  const n = Math.max(1, Math.min(parts, total));
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
}
