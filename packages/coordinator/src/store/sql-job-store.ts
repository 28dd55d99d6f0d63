import { parseTaskId, type TaskRecord, type JobRecord, type LeaseRef, type NewJob, type TaskOutcome, type TaskPolicy, type UnitDefinition } from '../model.js';
import { completeTasksTx } from './completion.js';
import type { ChangeSet, HeartbeatResult, JobStore, TaskWriteScope, LeaseRequest, ListJobsFilter, ListTasksFilter, QueueStats } from './job-store.js';
import { selectTasks } from './task-rows.js';
import { loadJobs, type TxContext } from './job-rows.js';
import { queueStatsOf, taskLogsOf } from './task-logs.js';
import { cancelJobTx, insertJob, selectJobs } from './job-writes.js';
import { heartbeatTx, leaseTasksTx, nextReadyMsOf, requeueExpiredTx } from './lease-ops.js';
import { writeScopesOf } from './write-scopes.js';
import { schemaStatements } from './schema.js';
import { migrateSchema } from './schema-migrations.js';
import type { SqlDriver, SqlExecutor, TransactionOptions } from './sql-driver.js';
import { selectUnit, upsertUnits } from './unit-rows.js';

/**
 * Lease grants and heartbeat extensions commit without waiting for the disk
 * (SQLite: no fsync of their own; PostgreSQL: synchronous_commit off); they
 * reach it with the next durable commit (a submit, an outcome, a cancel).
 * Safe because a grant a power loss undoes only puts the task back in the
 * queue with its previous attempt number: the worker holding the lost grant
 * is fenced out (its heartbeat and outcome no longer match the task's
 * attempt and owner, unless it leases the same attempt again, in which case
 * its outcome is the one of a complete run), and the task runs again: the
 * at-least-once contract every task already has. A lost extension only
 * lets a lease expire sooner. Submits, outcomes and cancels stay durable
 * before they are answered.
 */
const LEASES_ARE_LAZY: TransactionOptions = { durable: false };

/**
 * The JobStore over any SqlDriver: the job-system rules (leases, fencing by
 * attempt, retries, final task, cancellation) are written once here, in SQL
 * both SQLite and PostgreSQL run. Each method is one transaction.
 */
export class SqlJobStore implements JobStore {
  private closing: Promise<void> | undefined;

  private constructor(private readonly driver: SqlDriver) {}

  /** Creates the tables if missing (adding columns newer than an existing table) and answers the ready store. */
  static async open(driver: SqlDriver): Promise<SqlJobStore> {
    try {
      await driver.transaction(async (tx) => {
        for (const ddl of schemaStatements(driver.dialect)) await tx.run(ddl);
        await migrateSchema(tx, driver.dialect);
      });
    } catch (err) {
      await driver.close();
      throw err;
    }
    return new SqlJobStore(driver);
  }

  get kind(): string {
    return this.driver.dialect;
  }

  get location(): string {
    return this.driver.location;
  }

  registerUnits(workerId: string, units: readonly UnitDefinition[], nowMs: number) {
    return this.tx((ctx) => upsertUnits(ctx.tx, workerId, units, nowMs));
  }

  findUnit(name: string, version?: string) {
    return selectUnit(this.driver, name, version);
  }

  createJob(job: NewJob, onCommitted?: (result: { job: JobRecord; created: boolean }) => void) {
    return this.tx((ctx) => insertJob(ctx, job), onCommitted ? { onCommitted } : undefined);
  }

  async getJob(jobId: string, options: { omitSymbols?: boolean } = {}): Promise<JobRecord | undefined> {
    return (await this.read((ex) => loadJobs(ex, [jobId], !options.omitSymbols)))[0];
  }

  listJobs(filter: ListJobsFilter): Promise<JobRecord[]> {
    return this.read((ex) => selectJobs(ex, filter));
  }

  listTasks(jobId: string, filter: ListTasksFilter): Promise<TaskRecord[] | undefined> {
    return this.read((ex) => selectTasks(ex, jobId, filter));
  }

  async cancelJob(jobId: string, nowMs: number): Promise<{ job: JobRecord | undefined; changes: ChangeSet }> {
    const { job, changed } = await this.tx((ctx) => cancelJobTx(ctx, jobId, nowMs));
    return { job, changes: { jobIds: changed ? [jobId] : [], tasksReady: false, ...(changed ? { ended: [{ jobId, state: 'cancelled' as const }] } : {}) } };
  }

  /** Not durable on its own (see LEASES_ARE_LAZY). */
  leaseTasks(request: LeaseRequest) {
    return this.tx((ctx) => leaseTasksTx(ctx, request), LEASES_ARE_LAZY);
  }

  async heartbeat(workerId: string, leases: readonly LeaseRef[], leaseMs: number, nowMs: number, subject?: string): Promise<HeartbeatResult> {
    const located: (LeaseRef & { jobId: string; index: number })[] = [];
    const unknown: HeartbeatResult['lost'] = [];
    for (const l of leases) {
      const id = parseTaskId(l.taskId);
      if (id) located.push({ ...l, ...id });
      else unknown.push({ taskId: l.taskId, attempt: l.attempt, reason: 'unknown_task' });
    }
    const result = located.length > 0 ? await this.tx((ctx) => heartbeatTx(ctx, workerId, located, leaseMs, nowMs, subject), LEASES_ARE_LAZY) : { extended: [], lost: [] };
    return { extended: result.extended, lost: [...result.lost, ...unknown] };
  }

  writeScopes(taskIds: readonly string[]): Promise<Map<string, TaskWriteScope>> {
    return this.read((ex) => writeScopesOf(ex, taskIds));
  }

  completeTasks(workerId: string, outcomes: readonly TaskOutcome[], nowMs: number, policy: TaskPolicy, subject?: string) {
    return this.tx((ctx) => completeTasksTx(ctx, workerId, outcomes, nowMs, policy, subject));
  }

  requeueExpired(nowMs: number, policy: TaskPolicy): Promise<ChangeSet> {
    return this.tx((ctx) => requeueExpiredTx(ctx, nowMs, policy));
  }

  nextReadyMs(units: readonly { name: string; version: string }[]): Promise<number | undefined> {
    return this.read((ex) => nextReadyMsOf(ex, units));
  }

  taskLogs(jobId: string) {
    return this.read((ex) => taskLogsOf(ex, jobId));
  }

  queueStats(): Promise<QueueStats> {
    return this.read((ex) => queueStatsOf(ex));
  }

  close(): Promise<void> {
    this.closing ??= this.driver.close();
    return this.closing;
  }

  private tx<T>(fn: (ctx: TxContext) => Promise<T>, options?: TransactionOptions<T>): Promise<T> {
    if (this.closing) return Promise.reject(new Error(`job store ${this.location} is closed`));
    return this.driver.transaction((tx) => fn({ tx, dialect: this.driver.dialect }), options);
  }

  /** Multi-statement reads run in a transaction too, so they see one consistent state (nothing to make durable). */
  private read<T>(fn: (ex: SqlExecutor) => Promise<T>): Promise<T> {
    return this.tx((ctx) => fn(ctx.tx), { durable: false });
  }
}
