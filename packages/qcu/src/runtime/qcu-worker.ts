import { Backoff, FlorinError, failedPrecondition, inSpanFromTraceparent, sleepUnlessAborted } from '@florin/core';
import { DataClient } from '@florin/client';
import { WorkClient } from '../work/work-client.js';
import { KernelPool } from '../pool/kernel-pool.js';
import { unitDescriptor, type Unit } from '../unit.js';
import { CompletionQueue } from './completion-queue.js';
import { Heartbeat } from './heartbeat.js';
import { LeaseTable, type HeldLease } from './lease-table.js';
import { resolveQcuWorkerOptions, type QcuWorkerConfig, type QcuWorkerOptions } from './options.js';
import { OutputDatasets } from './output-datasets.js';
import { PrefetchGauge } from './prefetch-gauge.js';
import { isTransient } from './completion-queue.js';
import { runLeasedTask, type TaskRunnerDeps } from './task-runner.js';
import { WriteCoalescer } from './write-coalescer.js';
import { TaskLog } from './task-log.js';
import { QcuSlotClock } from './slot-clock.js';
import type { LeasedTask, WorkPort } from './work-port.js';

/** created -> starting -> running -> draining -> stopped (also created -> stopped on close()). */
export type QcuWorkerState = 'created' | 'starting' | 'running' | 'draining' | 'stopped';

export interface QcuWorkerStats {
  state: QcuWorkerState;
  /** Tasks whose unit code is running now. */
  running: number;
  /** Prefetched tasks (leased, heartbeated) waiting for a free slot. */
  waiting: number;
  /** Tasks leased beyond free slots now (fixed, or sized by the PrefetchGauge). */
  prefetch: number;
  /** Leases held (running tasks and outcomes on their way). */
  leases: number;
  leased: number;
  succeeded: number;
  failed: number;
  /** Tasks stopped by cancellation, lease loss or drain (they report nothing). */
  aborted: number;
}

/**
 * A QCU worker process's runtime: registers its units with the coordinator,
 * leases tasks in batches (long poll), runs up to `concurrency` at once with
 * kernels on a worker-thread pool (its threads started up front), writes
 * what tasks publish through a WriteCoalescer (concurrent tasks of one job
 * share writes), heartbeats every held lease each leaseMs / 3, aborts tasks
 * the coordinator reports cancelled or lost, and reports outcomes in batches. `drain()` (SIGTERM) stops leasing, lets
 * running tasks finish until the deadline, hands back the rest, and stops.
 */
export class QcuWorker {
  readonly config: QcuWorkerConfig;
  private readonly work: WorkPort;
  private readonly data: DataClient;
  private readonly writes: WriteCoalescer;
  private readonly pool: KernelPool;
  private readonly leases = new LeaseTable();
  private readonly heartbeat: Heartbeat;
  private readonly completions: CompletionQueue;
  private readonly gauge: PrefetchGauge;
  private readonly deps: TaskRunnerDeps;
  /** Running unit code, by task id: a slot each. */
  private readonly running = new Map<string, Promise<void>>();
  /** Prefetched tasks, in lease order, waiting for a slot (at most the prefetch beyond the free slots). */
  private readonly waiting: { task: LeasedTask; lease: HeldLease; leasedAt: number }[] = [];
  private keepAlive: NodeJS.Timeout | undefined;
  /** Stops the lease loop's long poll and backoff sleeps when draining. */
  private readonly stopLeasing = new AbortController();
  private stateValue: QcuWorkerState = 'created';
  private starting: Promise<void> | undefined;
  private leaseLoop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private slotFreed: (() => void) | undefined;
  /** The lease loop was woken by freed slots and is about to lease: the outcomes just queued ride on that call. */
  private leaseImminent = false;
  /** False once the coordinator answered outcomes on a lease without acks (it predates them): CompleteTasks only. */
  private carryOutcomes = true;
  private readonly counts = { leased: 0, succeeded: 0, failed: 0, aborted: 0 };
  /** Busy and idle slot time (florin.qcu.slot.time). */
  readonly slots: QcuSlotClock;

  constructor(options: QcuWorkerOptions) {
    this.config = resolveQcuWorkerOptions(options);
    const { config } = this;
    this.slots = new QcuSlotClock(config.concurrency);
    this.work = new WorkClient(config.coordinator, { workerId: config.workerId, limits: config.limits, security: config.security });
    this.data = new DataClient({ heads: config.heads, limits: config.limits, security: config.security });
    this.writes = new WriteCoalescer(this.data);
    this.pool = new KernelPool(config.computeThreads === undefined ? {} : { threads: config.computeThreads });
    this.heartbeat = new Heartbeat(this.work, this.leases, { leaseMs: config.leaseMs, intervalMs: config.heartbeatMs, onError: config.onError });
    this.gauge = new PrefetchGauge(config.prefetch, config.concurrency, Math.max(config.batchSize, config.concurrency));
    this.completions = new CompletionQueue(
      this.work,
      config.leaseMs,
      config.onError,
      (ms) => this.gauge.roundTrip(ms),
      () => this.leaseImminent,
    );
    this.deps = {
      units: new Map(config.units.map((u) => [`${u.name}@${u.version}`, u])),
      data: this.data,
      writes: this.writes,
      pool: this.pool,
      outputs: new OutputDatasets(this.data),
      onLog: config.onLog,
      onProgress: config.onProgress,
      onTimings: config.onTaskTimings,
    };
  }

  get state(): QcuWorkerState {
    return this.stateValue;
  }

  get workerId(): string {
    return this.config.workerId;
  }

  stats(): QcuWorkerStats {
    return { state: this.stateValue, running: this.running.size, waiting: this.waiting.length, prefetch: this.gauge.prefetch, leases: this.leases.size, ...this.counts };
  }

  /**
   * Registers the units (retrying while the coordinator is unavailable, up to
   * startTimeoutMs) and starts leasing. Resolves once registered. Idempotent.
   * On failure the worker stops (state 'stopped'); make a new one to retry.
   */
  start(): Promise<void> {
    if (this.stateValue !== 'created') return this.starting ?? Promise.reject(failedPrecondition(`QcuWorker is ${this.stateValue}`));
    this.stateValue = 'starting';
    // Every background timer of the worker is unref()'d; this one handle keeps the process alive while it
    // starts, runs and drains (e.g. while the coordinator is down and the lease loop only sleeps between retries).
    this.keepAlive = setInterval(() => undefined, 1 << 30);
    // Kernel threads start while the units register, not when the first task needs one.
    this.pool.warm();
    this.starting = this.register().then(
      () => {
        if (this.stateValue !== 'starting') return;
        this.stateValue = 'running';
        this.heartbeat.start();
        this.leaseLoop = this.leaseTasks();
      },
      (err: unknown) => {
        // A worker that could not register is spent: release its clients and threads (not awaited: drain awaits this).
        void this.drain(0);
        throw err;
      },
    );
    return this.starting;
  }

  /**
   * Stops leasing, waits for running tasks until `deadlineMs` from now (less
   * a hand-back budget), then hands back the tasks still running: their
   * signals abort and their leases are shortened to handBackLeaseMs, so they
   * requeue at once. A handed-back task reports no outcome, so it costs no
   * retry attempt (it counts as one lease expiry, like a crashed worker).
   * Then flushes outcomes, closes clients and the kernel pool. Idempotent:
   * later calls return the same promise.
   */
  drain(deadlineMs: number = this.config.drainDeadlineMs): Promise<void> {
    this.stopping ??= this.shutDown(Math.max(0, deadlineMs));
    return this.stopping;
  }

  /** drain(0): hands back running tasks at once. Idempotent. */
  close(): Promise<void> {
    return this.drain(0);
  }

  private async register(): Promise<void> {
    const units = this.config.units.map((u) => {
      const d = unitDescriptor(u);
      return { name: d.name, version: d.version, paramsSchema: d.params, hasFinal: d.hasFinal, description: d.description, output: d.output };
    });
    const until = Date.now() + this.config.startTimeoutMs;
    const retries = new Backoff({ initialMs: 100, maxMs: 2_000 });
    for (;;) {
      try {
        await this.work.registerUnits(units, { signal: this.stopLeasing.signal });
        return;
      } catch (err) {
        if (this.stopLeasing.signal.aborted) throw failedPrecondition('QcuWorker was closed while starting');
        const backoff = retries.next();
        if (!isTransient(err) || Date.now() + backoff > until) throw err;
        this.config.onError(err, `RegisterUnits (retrying in ${backoff} ms)`);
        await sleepUnlessAborted(backoff, this.stopLeasing.signal);
      }
    }
  }

  private async leaseTasks(): Promise<void> {
    const units = this.config.units.map((u: Unit) => ({ name: u.name, version: u.version }));
    const retries = new Backoff({ initialMs: 100, maxMs: 5_000 });
    while (this.stateValue === 'running') {
      // Leases ahead of the free slots (prefetch), so the next tasks are here when a slot frees: no round trip between two tasks.
      const capacity = this.config.concurrency + this.gauge.prefetch;
      const free = capacity - this.running.size - this.waiting.length;
      // While tasks are still waiting here, lease only once half the capacity is free: fewer, fuller LeaseTasks calls.
      if (free <= 0 || (this.waiting.length > 0 && free < Math.ceil(capacity / 2))) {
        this.noLeaseYet();
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        this.leaseImminent = true;
        // Tasks finishing in this turn free their slots too before the next lease is sized.
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      // Outcomes waiting to be sent go on this call (recorded before the lease; the call then does not long-poll).
      const carried = this.carryOutcomes ? this.completions.take() : undefined;
      // Outcomes held for this call that it does not carry (a coordinator without acks) go by CompleteTasks.
      this.noLeaseYet();
      const sentAt = Date.now();
      const sentAtPerf = performance.now();
      let tasks: LeasedTask[];
      try {
        const options = { units, maxTasks: Math.min(this.config.batchSize, free), leaseMs: this.config.leaseMs, waitMs: this.config.pollWaitMs, signal: this.stopLeasing.signal };
        if (carried) {
          const answer = await this.work.leaseCarrying(options, carried.outcomes);
          // Such a call does not long-poll: a round trip, like CompleteTasks, for the prefetch gauge.
          if (answer.acks) this.gauge.roundTrip(performance.now() - sentAtPerf);
          tasks = answer.tasks;
          if (answer.acks) carried.settle(answer.acks);
          else {
            this.carryOutcomes = false;
            carried.putBack();
          }
        } else {
          tasks = await this.work.lease(options);
        }
        retries.reset();
      } catch (err) {
        // CompleteTasks sends them (and drops them if the coordinator refuses them for good).
        carried?.putBack();
        if (this.stateValue !== 'running') return;
        const backoff = retries.next();
        this.config.onError(err, `LeaseTasks (retrying in ${backoff} ms)`);
        await sleepUnlessAborted(backoff, this.stopLeasing.signal);
        continue;
      }
      this.counts.leased += tasks.length;
      const leasedAt = Date.now();
      for (const task of tasks) this.waiting.push({ task, lease: this.leases.add({ ...task, leaseExpiresMs: sentAt + this.config.leaseMs }), leasedAt });
      this.startWaiting();
      if (tasks.length > 0) {
        // Tasks that finish in this turn (short units) report on the next LeaseTasks instead of a CompleteTasks of their own:
        // one call reaches the coordinator, the outcomes first, instead of a long poll with a CompleteTasks queued behind it.
        this.leaseImminent = true;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    this.noLeaseYet();
  }

  /** The lease the queued outcomes were held for is not going out now: CompleteTasks sends them. */
  private noLeaseYet(): void {
    if (!this.leaseImminent) return;
    this.leaseImminent = false;
    this.completions.kick();
  }

  /** Starts waiting tasks while slots are free; skips those whose lease was lost (cancelled job, expiry) meanwhile. */
  private startWaiting(): void {
    while (this.stateValue === 'running' && this.running.size < this.config.concurrency && this.waiting.length > 0) {
      const { task, lease, leasedAt } = this.waiting.shift()!;
      if (lease.abort.aborted || !this.leases.get(lease)) {
        this.counts.aborted++;
        continue;
      }
      this.runTask(task, lease, leasedAt);
    }
  }

  private runTask(task: LeasedTask, lease: HeldLease, leasedAt: number): void {
    const run = (async () => {
      const startedAt = performance.now();
      const log = new TaskLog();
      this.slots.taskStarted();
      // The task's span continues the trace of the submit that created its job; its reads and writes are children.
      const result = await inSpanFromTraceparent(
        `florin.qcu.task ${task.unit.name}`,
        task.traceparent,
        { 'florin.role': 'qcu', 'florin.job.id': task.jobId, 'florin.task.index': task.index, 'florin.task.attempt': task.attempt, 'florin.unit': task.unit.name },
        () =>
          runLeasedTask(this.deps, task, lease.abort, {
            leasedAt,
            grant: () => lease.grant,
            onLog: (entry) => log.add(entry),
            onProgress: (update) => {
              const last = lease.progress ?? { fraction: 0, message: '' };
              lease.progress = { fraction: update.fraction ?? last.fraction, message: update.message ?? last.message };
            },
          }),
      ).finally(() => this.slots.taskEnded());
      if (result) this.gauge.taskRan(performance.now() - startedAt);
      if (!result || !this.leases.get(lease)) {
        this.counts.aborted++;
        return;
      }
      lease.phase = 'completing';
      this.counts[result.ok ? 'succeeded' : 'failed']++;
      // The slot is free once the unit returns; the outcome goes out in the background (its lease still heartbeated).
      void this.completions
        .add(
          result.ok
            ? { taskId: task.taskId, attempt: task.attempt, ok: true, result: result.result, log: log.lines() }
            : { taskId: task.taskId, attempt: task.attempt, ...result, log: log.lines() },
        )
        .then(() => this.leases.release(lease));
    })();
    this.running.set(task.taskId, run);
    void run
      .catch((err: unknown) => this.config.onError(err, `task ${task.taskId}`))
      .finally(() => {
        this.running.delete(task.taskId);
        this.startWaiting();
        this.slotFreed?.();
        this.slotFreed = undefined;
      });
  }

  private async shutDown(deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    const wasRunning = this.stateValue === 'running' || this.stateValue === 'starting';
    this.stateValue = wasRunning ? 'draining' : 'stopped';
    this.stopLeasing.abort(new FlorinError('CANCELLED', 'worker draining'));
    this.slotFreed?.();
    await this.starting?.catch(() => undefined);
    await this.leaseLoop;
    if (wasRunning) {
      // 0. Prefetched tasks that never started go back at once, for other workers to run.
      const unstarted = this.waiting.splice(0).map((w) => w.lease).filter((l) => this.leases.get(l));
      for (const l of unstarted) this.leases.lose(l, new FlorinError('UNAVAILABLE', 'worker draining: task handed back'));
      this.counts.aborted += unstarted.length;
      const handedBack = this.heartbeat.handBack(unstarted, this.config.handBackLeaseMs, Math.max(250, deadline - Date.now()));
      // 1. Let running tasks finish, keeping a budget to hand back the rest.
      const handBackBudget = Math.min(2_000, Math.floor(deadlineMs / 4));
      await settledOrTimeout([...this.running.values()], deadline - handBackBudget - Date.now());
      // 2. Hand back what still runs: abort it and shorten its lease so it requeues at once.
      const left = this.leases.all().filter((l) => l.phase === 'running');
      for (const l of left) this.leases.lose(l, new FlorinError('UNAVAILABLE', 'worker draining: task handed back'));
      await Promise.all([handedBack, this.heartbeat.handBack(left, this.config.handBackLeaseMs, Math.max(250, deadline - Date.now()))]);
      // 3. Deliver the outcomes of finished tasks.
      await settledOrTimeout([this.completions.flushed()], deadline - Date.now());
    }
    this.heartbeat.stop();
    this.completions.stop();
    await this.pool.close();
    this.writes.close();
    this.work.close();
    this.data.close();
    clearInterval(this.keepAlive);
    this.stateValue = 'stopped';
  }
}

async function settledOrTimeout(promises: readonly Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length === 0) return;
  const controller = new AbortController();
  await Promise.race([Promise.allSettled(promises), sleepUnlessAborted(Math.max(0, ms), controller.signal)]);
  controller.abort();
}
