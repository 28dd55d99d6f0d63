import type {
  JobRecord,
  JobState,
  LeaseLossReason,
  LeaseRef,
  LeasedTask,
  TaskRecord,
  TaskState,
  NewJob,
  OutcomeAck,
  TaskOutcome,
  TaskLogRecord,
  TaskPolicy,
  UnitDefinition,
  UnitRecord,
} from '../model.js';

export interface QueueStats {
  tasksQueued: number;
  tasksLeased: number;
  jobs: Record<string, number>;
}

export interface ListJobsFilter {
  states?: readonly JobState[];
  unit?: string;
  /** Newest first; at most this many. */
  limit: number;
  /** Leave spec.symbols empty (List answers do not carry universes). */
  omitSymbols?: boolean;
  /** Only jobs older than this one (its JobRecord.seq): the next page. */
  beforeSeq?: number;
  /** Only jobs whose updated_ms is at least this; answered oldest change first. */
  updatedSinceMs?: number;
  /** Only jobs of this owner. */
  owner?: string;
}

export interface ListTasksFilter {
  /** Only tasks with an index above this one (the next page). */
  afterIndex?: number;
  states?: readonly TaskState[];
  limit: number;
}

export interface LeaseRequest {
  workerId: string;
  /** Exact (name, version) pairs the worker runs. */
  units: readonly { name: string; version: string }[];
  maxTasks: number;
  leaseMs: number;
  nowMs: number;
  policy: TaskPolicy;
  /** The identity leasing (token subject or certificate CN); only it may heartbeat or complete the leases. Default '' (no identity checks). */
  subject?: string;
}

/** What a task's write grant covers. */
export interface TaskWriteScope {
  jobId: string;
  dataset: string;
  symbols: readonly string[];
}

export interface HeartbeatResult {
  extended: (LeaseRef & { leaseExpiresMs: number })[];
  lost: (LeaseRef & { reason: LeaseLossReason })[];
}

/** Tasks of one unit (unitRefKey(name, version)) that became leasable: `count` of them. */
export interface ReadyTasks {
  readonly unitRef: string;
  readonly count: number;
}

/** What a mutation touched, so the server can wake watchers and long polls. */
export interface ChangeSet {
  /** Jobs whose state or progress changed. */
  jobIds: string[];
  /** True when tasks became (or will become) leasable: requeues, retries, a new final task. */
  tasksReady: boolean;
  /** With tasksReady: which tasks, when known (a submit); otherwise every long poll is woken. */
  readyTasks?: ReadyTasks;
  /** Tasks requeued for another attempt (retryable failures, expired leases); for metrics. */
  retries?: number;
  /** Jobs that reached a terminal state: for metrics, and so their watchers hear it at once. */
  ended?: { jobId: string; state: JobState }[];
}

/**
 * The coordinator's durable state. Every method is one atomic transaction:
 * when its promise resolves, the change is durable (survives SIGKILL of the
 * process). Backends: SQLite (embedded) and PostgreSQL; one contract suite.
 */
export interface JobStore {
  /** "sqlite" or "postgres". */
  readonly kind: string;
  /** Where the state lives (file path or URL without credentials). */
  readonly location: string;

  /** Upserts units (name, version) and records which worker hosts them. */
  registerUnits(workerId: string, units: readonly UnitDefinition[], nowMs: number): Promise<UnitRecord[]>;
  /** The unit with that exact version, or the most recently registered version when none is given. */
  findUnit(name: string, version?: string): Promise<UnitRecord | undefined>;

  /**
   * Writes the job and all its tasks (consecutive `taskSize` slices of the
   * symbols) in one transaction. When the spec's idempotency key already names
   * a job, writes nothing and answers that job with created = false.
   * `onCommitted` gets the same answer once the transaction committed, which
   * may be before the promise resolves (while the commit is made durable).
   */
  createJob(job: NewJob, onCommitted?: (result: { job: JobRecord; created: boolean }) => void): Promise<{ job: JobRecord; created: boolean }>;
  /** The job with its progress; `omitSymbols` leaves spec.symbols empty (symbolCount still says how many). */
  getJob(jobId: string, options?: { omitSymbols?: boolean }): Promise<JobRecord | undefined>;
  listJobs(filter: ListJobsFilter): Promise<JobRecord[]>;
  /** A job's tasks in index order (undefined for an unknown job). */
  listTasks(jobId: string, filter: ListTasksFilter): Promise<TaskRecord[] | undefined>;
  /** Cancels a queued or running job and its unfinished tasks; answers the job as it is now (undefined if unknown). */
  cancelJob(jobId: string, nowMs: number): Promise<{ job: JobRecord | undefined; changes: ChangeSet }>;

  /**
   * Requeues expired leases first (the lazy check), then leases up to maxTasks
   * ready tasks FIFO by job then task index; each leased task's attempt grows by one.
   */
  leaseTasks(request: LeaseRequest): Promise<{ tasks: LeasedTask[]; changes: ChangeSet }>;
  /**
   * Extends leases this worker still holds; reports the others as lost with the reason. With `subject`, a lease
   * another identity leased refuses the whole call (PERMISSION_DENIED) and changes nothing.
   */
  heartbeat(workerId: string, leases: readonly LeaseRef[], leaseMs: number, nowMs: number, subject?: string): Promise<HeartbeatResult>;
  /** What each task may write (its job's output dataset and its symbols; a final task: the universe), by task id; unknown tasks are left out. */
  writeScopes(taskIds: readonly string[]): Promise<Map<string, TaskWriteScope>>;
  /**
   * Records outcomes in one transaction. Only an outcome for the task's current
   * attempt, held by this worker, changes anything. Applies retries with
   * backoff, job failure, final-task creation and job success. With `subject`, an outcome for an
   * attempt another identity leased refuses the whole batch (PERMISSION_DENIED) and changes nothing.
   */
  completeTasks(
    workerId: string,
    outcomes: readonly TaskOutcome[],
    nowMs: number,
    policy: TaskPolicy,
    subject?: string,
  ): Promise<{ acks: OutcomeAck[]; changes: ChangeSet }>;
  /** Requeues tasks whose lease expired (failing those past maxLeaseExpiries). */
  requeueExpired(nowMs: number, policy: TaskPolicy): Promise<ChangeSet>;
  /** The earliest time a task of these units becomes leasable (next run or lease expiry), if any. */
  nextReadyMs(units: readonly { name: string; version: string }[]): Promise<number | undefined>;

  /** The log lines kept with each task's last reported outcome (tasks with none left out), by index; undefined for an unknown job. */
  taskLogs(jobId: string): Promise<TaskLogRecord[] | undefined>;
  /** Tasks ready to lease (the queue depth), tasks leased now, and jobs per state: the coordinator's gauges. */
  queueStats(): Promise<QueueStats>;

  /** Idempotent. */
  close(): Promise<void>;
}
