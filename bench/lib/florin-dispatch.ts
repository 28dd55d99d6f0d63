import { join } from 'node:path';
import Database from 'better-sqlite3';
import { JobsClient } from '@florin/client';
import type { CoordinatorOptions, SqliteSynchronous } from '@florin/coordinator';
import { QcuWorker, defineUnit, type Unit } from '@florin/qcu';
import { startBenchCoordinator, type BenchCoordinator, type CoordinatorPlacement } from './coordinator-host.js';
import { summarizeBatch, type DispatchRun } from './dispatch-run.js';
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
  /** One job of `tasks` single-symbol tasks; resolves its measurement once the job succeeded. */
  runBatch(tasks: number): Promise<DispatchRun>;
}

const NOOP_DATASET = 'bench_dispatch_in';

/**
 * First-run time and run count of every task, recorded by the no-op unit
 * itself (the unit runs in this process, so its clock is the submitter's).
 */
class StartLog {
  private readonly first = new Map<string, number>();
  runs = 0;

  record(taskId: string): void {
    this.runs++;
    if (!this.first.has(taskId)) this.first.set(taskId, Date.now());
  }

  /** Start stamps of one job's tasks; forgets them. */
  take(jobId: string): { starts: number[]; runs: number } {
    const starts: number[] = [];
    for (const [taskId, at] of this.first) {
      if (taskId.startsWith(`${jobId}/`)) {
        starts.push(at);
        this.first.delete(taskId);
      }
    }
    const runs = this.runs;
    this.runs = 0;
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
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
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
    const fleet: FlorinFleet = {
      coordinator,
      async runBatch(tasks) {
        const symbols = Array.from({ length: tasks }, (_, i) => `T${i}`);
        const signal = AbortSignal.timeout(setup.batchTimeoutMs);
        const submitAtMs = Date.now();
        const handle = await jobs.submit({ unit: unit.name, dataset: NOOP_DATASET, symbols, startMs: 0, endMs: 86_400_000, taskSize: 1 }, { signal });
        const submittedAtMs = Date.now();
        const job = await handle.wait({ signal });
        const observedAtMs = Date.now();
        if (job.state !== 'succeeded') throw new Error(`florin ${setup.name}: job ${job.jobId} ended ${job.state}: ${job.error ?? ''}; worker errors: ${errors.slice(0, 3).join(' | ')}`);
        // Completion stamps: the coordinator writes updated_ms (its clock at the CompleteTasks call) in the transaction that records the outcome.
        const rows = taskStamps.all(job.jobId);
        const notDone = rows.filter((r) => r.state !== 'succeeded').length;
        if (rows.length !== tasks || notDone > 0) throw new Error(`florin ${setup.name}: job ${job.jobId} has ${rows.length} tasks, ${notDone} not succeeded`);
        const { starts, runs } = log.take(job.jobId);
        return summarizeBatch(`florin ${setup.name}`, {
          tasks,
          submitAtMs,
          submittedAtMs,
          observedAtMs,
          startedAtMs: starts,
          doneAtMs: rows.map((r) => Number(r.updated_ms)),
          runs,
        });
      },
    };
    return await body(fleet);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    jobs.close();
    db.close();
    await coordinator.close();
    if (errors.length > 0) process.stderr.write(`florin ${setup.name}: ${errors.length} worker errors, first: ${errors[0]}\n`);
  }
}
