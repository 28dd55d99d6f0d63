import type { Client } from '@grpc/grpc-js';
import { SERVICES, failedPrecondition, invalidArgument, jobStateName, traceClientCall, type ClientSecurity, type Limits } from '@florin/core';
import type { AddressSource, CallOptions } from '@florin/core';
import { watchJobEvents, type WatchMethod, type WatchOptions } from './job-event-stream.js';
import { JobHandle, type JobOperations } from './job-handle.js';
import { JobResultsReader, type JobData } from './job-results.js';
import { jobFromMessage, type Job, type JobEvent, type JobState, type JobSubmission, type TaskLog } from './job-types.js';
import { taskFromMessage, type JobPage, type TaskPage, type TaskState, type TaskStateName } from './task-types.js';
import type {
  CancelJobRequestInput,
  GetJobRequestInput,
  JobLogsRequestInput,
  JobLogsResponseMessage,
  JobMessage,
  JobSpecInput,
  ListJobsRequestInput,
  ListJobsResponseMessage,
  ListTasksRequestInput,
  ListTasksResponseMessage,
  SubmitJobRequestInput,
  SubmitJobResponseMessage,
} from '@florin/core';
import { ServiceChannel, type UnaryMethod } from '@florin/core';

export const JOB_SERVICE = SERVICES.job;

export interface JobsClientOptions {
  /** Channel limits and the default deadline (defaultDeadlineMs). Defaults: DEFAULT_LIMITS. */
  limits?: Partial<Limits>;
  /** TLS and the bearer token; default none (plaintext). */
  security?: ClientSecurity;
  /**
   * Resolves a whole-dataset universe (`symbols: 'all'`) into its symbols before
   * submit, e.g. from the data plane. Default: `data.listSymbols` when `data` is
   * given. Without either, 'all' is INVALID_ARGUMENT.
   */
  resolveUniverse?: (dataset: string, options?: CallOptions) => Promise<readonly string[]>;
  /**
   * The data plane (a DataClient over the head nodes, as connect() passes):
   * JobHandle.results() reads through it. Without it, results() is FAILED_PRECONDITION.
   * The JobsClient does not close it.
   */
  data?: JobData;
}

export interface ListJobsOptions extends CallOptions {
  states?: readonly JobState[];
  unit?: string;
  /** Newest first. Default 50, at most 1000. */
  limit?: number;
  /** The nextPageToken of the previous page (listPage): the jobs older than it. */
  pageToken?: string;
  /** Only jobs whose state changed (or that were submitted) at or after this time, epoch ms. */
  updatedSinceMs?: number;
  /** Only jobs of this owner (an admin's filter; a researcher always sees only their own jobs). */
  owner?: string;
}

export interface ListTasksOptions extends CallOptions {
  /** Default 100, at most 1000. */
  limit?: number;
  /** The nextPageToken of the previous page. */
  pageToken?: string;
  states?: readonly TaskState[];
}

interface JobServiceStub extends Client {
  Submit: UnaryMethod<SubmitJobRequestInput, SubmitJobResponseMessage>;
  Get: UnaryMethod<GetJobRequestInput, JobMessage>;
  List: UnaryMethod<ListJobsRequestInput, ListJobsResponseMessage>;
  Cancel: UnaryMethod<CancelJobRequestInput, JobMessage>;
  ListTasks: UnaryMethod<ListTasksRequestInput, ListTasksResponseMessage>;
  Watch: WatchMethod;
  Logs: UnaryMethod<JobLogsRequestInput, JobLogsResponseMessage>;
}

/**
 * The SDK's client of the coordinator's florin.v1.JobService. Errors reject as
 * FlorinError with the gRPC status and the coordinator's message.
 */
export class JobsClient implements JobOperations {
  /** Reads what jobs published (JobHandle.results()), in reads of at most limits.maxSymbolsPerRequest symbols. */
  readonly results: JobResultsReader;
  private readonly channel: ServiceChannel<JobServiceStub>;
  private readonly resolveUniverse: JobsClientOptions['resolveUniverse'];

  /** `address`: host:port, or an AddressSource (discovery) the client follows when the coordinator moves. */
  constructor(address: string | AddressSource, options: JobsClientOptions = {}) {
    this.channel = new ServiceChannel<JobServiceStub>(JOB_SERVICE, 'JobsClient', address, options.limits, options.security);
    const { data } = options;
    this.results = new JobResultsReader(data, this.channel.limits.maxSymbolsPerRequest);
    this.resolveUniverse = options.resolveUniverse ?? (data ? (dataset, callOptions) => data.listSymbols(dataset, callOptions) : undefined);
  }

  get address(): string {
    return this.channel.address;
  }

  /** Submits a job; the answer means it and all its tasks are durable. */
  async submit(submission: JobSubmission, options?: CallOptions): Promise<JobHandle> {
    const symbols = await this.universe(submission, options);
    const spec: Required<JobSpecInput> = {
      unit: submission.unit,
      unitVersion: submission.unitVersion ?? '',
      dataset: submission.dataset,
      symbols: [...symbols],
      startMs: submission.startMs,
      endMs: submission.endMs,
      taskSize: submission.taskSize ?? 0,
      paramsJson: JSON.stringify(submission.params ?? {}),
      outputDataset: submission.outputDataset ?? '',
      idempotencyKey: submission.idempotencyKey ?? '',
      maxAttempts: submission.maxAttempts ?? 0,
    };
    for (const key of ['taskSize', 'maxAttempts'] as const) {
      const value = submission[key];
      if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) throw invalidArgument(`${key} must be a positive integer, got ${String(value)}`);
    }
    // A CLIENT span when telemetry is on: it roots the job's trace (the coordinator stores its context for the tasks).
    const response = await traceClientCall(`/${JOB_SERVICE}/Submit`, () => this.channel.unary(this.channel.stub.Submit, { spec }, options));
    return new JobHandle(this, jobFromMessage(response.job), response.created);
  }

  /** A handle on an existing job (answers NOT_FOUND for an unknown id). */
  async handle(jobId: string, options?: CallOptions): Promise<JobHandle> {
    return new JobHandle(this, await this.get(jobId, options), false);
  }

  async get(jobId: string, options?: CallOptions): Promise<Job> {
    return jobFromMessage(await this.channel.unary(this.channel.stub.Get, { jobId }, options));
  }

  async list(options: ListJobsOptions = {}): Promise<Job[]> {
    return (await this.listPage(options)).jobs;
  }

  /** One page of jobs, newest first, and the token of the next page ('' after the last). */
  async listPage(options: ListJobsOptions = {}): Promise<JobPage> {
    const request: ListJobsRequestInput = {
      states: (options.states ?? []).map(jobStateName),
      unit: options.unit ?? '',
      limit: options.limit ?? 0,
      pageToken: options.pageToken ?? '',
      updatedSinceMs: options.updatedSinceMs ?? 0,
      owner: options.owner ?? '',
    };
    const response = await this.channel.unary(this.channel.stub.List, request, options);
    return { jobs: response.jobs.map(jobFromMessage), nextPageToken: response.nextPageToken };
  }

  /** One page of a job's tasks in index order (state, attempts, QCU, times, errors). NOT_FOUND for an unknown job. */
  async tasks(jobId: string, options: ListTasksOptions = {}): Promise<TaskPage> {
    const request: ListTasksRequestInput = {
      jobId,
      limit: options.limit ?? 0,
      pageToken: options.pageToken ?? '',
      states: (options.states ?? []).map((s) => `TASK_STATE_${s.toUpperCase()}` as TaskStateName),
    };
    const response = await this.channel.unary(this.channel.stub.ListTasks, request, options);
    return { tasks: response.tasks.map(taskFromMessage), nextPageToken: response.nextPageToken };
  }

  /** Each task's last log lines (ctx.log), kept with its last reported outcome, by task index. NOT_FOUND for an unknown job. */
  async logs(jobId: string, options?: CallOptions): Promise<TaskLog[]> {
    const response = await this.channel.unary(this.channel.stub.Logs, { jobId }, options);
    return response.tasks.map((t) => ({ index: t.index, final: t.final, attempt: t.attempt, state: t.state, lines: t.lines.map((l) => ({ timeMs: l.timeMs, message: l.message })) }));
  }

  /** Cancels a queued or running job (idempotent); FAILED_PRECONDITION once it succeeded or failed. */
  async cancel(jobId: string, options?: CallOptions): Promise<Job> {
    return jobFromMessage(await this.channel.unary(this.channel.stub.Cancel, { jobId }, options));
  }

  /** Progress events of a job until it is terminal (re-watching across coordinator restarts). */
  watch(jobId: string, options?: WatchOptions): AsyncGenerator<JobEvent> {
    this.channel.assertOpen();
    // The stub of the moment at each (re-)watch: after the coordinator moved (a replaced task), the new one's.
    return watchJobEvents((request, callOptions) => this.channel.stub.Watch(request, callOptions), jobId, options);
  }

  /**
   * Resolves once connected to the coordinator (e.g. after it restarted:
   * calls made while the channel backs off fail fast with UNAVAILABLE).
   * Rejects with UNAVAILABLE after timeoutMs (default 10,000).
   */
  waitForReady(timeoutMs = 10_000): Promise<void> {
    return this.channel.waitForReady(timeoutMs);
  }

  /** Closes the channel. Idempotent. */
  close(): void {
    this.channel.close();
  }

  private async universe(submission: JobSubmission, options?: CallOptions): Promise<readonly string[]> {
    if (submission.symbols !== 'all') return submission.symbols;
    if (!this.resolveUniverse) {
      throw invalidArgument(
        `symbols: 'all' needs a JobsClient created with resolveUniverse or data (connect({ heads, coordinator }) passes both); or pass the symbols of ${submission.dataset} explicitly`,
      );
    }
    const symbols = await this.resolveUniverse(submission.dataset, options);
    if (symbols.length === 0) throw failedPrecondition(`symbols: 'all' found no symbols in ${submission.dataset}: it has no rows yet; write data first`);
    return symbols;
  }
}
