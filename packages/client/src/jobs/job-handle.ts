import { FlorinError, type SeriesFrame } from '@florin/core';
import type { CallOptions } from '@florin/core';
import type { WatchOptions } from './job-event-stream.js';
import type { JobResultsOptions, JobResultsReader } from './job-results.js';
import { isTerminal, type Job, type JobEvent, type TaskLog } from './job-types.js';

/** What a JobHandle needs from its JobsClient. */
export interface JobOperations {
  get(jobId: string, options?: CallOptions): Promise<Job>;
  cancel(jobId: string, options?: CallOptions): Promise<Job>;
  logs(jobId: string, options?: CallOptions): Promise<TaskLog[]>;
  watch(jobId: string, options?: WatchOptions): AsyncGenerator<JobEvent>;
  /** Reads published rows through the data plane. */
  readonly results: JobResultsReader;
}

/** A submitted job: follow it, wait for it, read what it published, cancel it. */
export class JobHandle {
  constructor(
    private readonly ops: JobOperations,
    /** The job as Submit answered it. */
    readonly job: Job,
    /** False when the idempotency key named an existing job. */
    readonly created: boolean,
  ) {}

  get jobId(): string {
    return this.job.jobId;
  }

  /** The job as it is now. */
  get(options?: CallOptions): Promise<Job> {
    return this.ops.get(this.jobId, options);
  }

  /** Progress events: a snapshot, then changes, ending with the terminal event. */
  watch(options?: WatchOptions): AsyncGenerator<JobEvent> {
    return this.ops.watch(this.jobId, options);
  }

  /** Resolves with the job once it is succeeded, failed or cancelled. */
  async wait(options?: WatchOptions): Promise<Job> {
    let last: Job | undefined;
    for await (const event of this.watch(options)) last = event.job;
    if (!last || !isTerminal(last.state)) throw new FlorinError('UNAVAILABLE', `the watch of job ${this.jobId} ended before the job finished`);
    return last;
  }

  /**
   * Waits, then answers the final step's result (parsed JSON; undefined for a
   * unit without a final step). Rejects with FAILED_PRECONDITION carrying the
   * unit's error when the job failed, CANCELLED when it was cancelled.
   */
  async result<T = unknown>(options?: WatchOptions): Promise<T> {
    const job = succeeded(await this.wait(options));
    return job.result as T;
  }

  /**
   * What the job published: its output dataset over its universe and range,
   * read through the head nodes as typed arrays, one frame per symbol in
   * universe order (empty for a symbol it published no rows for). By default
   * waits for the job first and rejects like result() when it failed or was
   * cancelled. The dataset is the job's outputDataset (resolved by the
   * coordinator at submit: the one submitted, else the unit's output dataset)
   * unless options.dataset names another. FAILED_PRECONDITION when the
   * JobsClient has no data client (make it with connect({ heads, coordinator })).
   */
  async results(options: JobResultsOptions = {}): Promise<SeriesFrame[]> {
    const { signal, deadlineMs } = options;
    this.ops.results.datasetOf(this.job, options);
    if (options.wait !== false) succeeded(await this.wait({ signal, reconnectForMs: options.reconnectForMs }));
    // The spec never changes; list() answers leave the universe out, and then a Get has it.
    const job = this.job.symbols.length === this.job.symbolCount ? this.job : await this.get({ signal, deadlineMs });
    return this.ops.results.read(job, options);
  }

  cancel(options?: CallOptions): Promise<Job> {
    return this.ops.cancel(this.jobId, options);
  }

  /** Each task's last log lines (ctx.log, bounded by the coordinator), by task index; tasks that logged nothing are left out. */
  logs(options?: CallOptions): Promise<TaskLog[]> {
    return this.ops.logs(this.jobId, options);
  }
}

/** The job, when it succeeded; FAILED_PRECONDITION with the unit's error when it failed, CANCELLED when it was cancelled. */
function succeeded(job: Job): Job {
  if (job.state === 'failed') {
    const where = job.failedTaskIndex === undefined ? '' : ` (task ${job.failedTaskIndex})`;
    // The failed task's last log lines (at most 10 here; JobHandle.logs() has all the coordinator kept).
    const tail = (job.failureLog ?? []).slice(-10).map((l) => `\n  | ${l.message}`).join('');
    const log = tail === '' ? '' : `\nlast log lines of the failed task:${tail}`;
    throw new FlorinError('FAILED_PRECONDITION', `job ${job.jobId} failed${where}: ${job.error ?? 'unknown error'}${log}`);
  }
  if (job.state === 'cancelled') throw new FlorinError('CANCELLED', `job ${job.jobId} was cancelled`);
  return job;
}
