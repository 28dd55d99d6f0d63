import type { ServerWritableStream } from '@grpc/grpc-js';
import { FlorinError, isServiceError, toServiceError, unavailable, type JobEventMessage, type TaskProgressMessage, type WatchJobRequestMessage } from '@florin/core';
import type { CoordinatorContext } from './coordinator-context.js';
import { requireJob } from './job-lookup.js';
import { isTerminalJob, type JobRecord } from './model.js';
import { jobMessage } from './job-messages.js';
import { jobCaller, requireJobAccess } from './job-owner.js';

/** What makes two snapshots different events (not the clock). */
function fingerprint(job: JobRecord, tasks: readonly TaskProgressMessage[]): string {
  return JSON.stringify([job.state, job.progress, job.resultJson, job.error, tasks]);
}

/** Finished tasks plus the running tasks' reported fractions, over all tasks (1 once the job succeeded). */
function jobFraction(job: JobRecord, tasks: readonly TaskProgressMessage[]): number {
  if (job.state === 'succeeded') return 1;
  const total = job.progress.tasksTotal;
  if (total === 0) return 0;
  let done = job.progress.tasksSucceeded;
  for (const t of tasks) done += t.fraction;
  return Math.min(1, done / total);
}

/**
 * Watch: an initial snapshot, then one event per observed change, coalesced
 * (changes within watchCoalesceMs become one event; the job is also re-read
 * every watchPollMs). The change that ends the job is read at once, so the
 * terminal event is not held back by the coalescing window. The stream ends OK after the terminal event, with
 * UNAVAILABLE when the coordinator closes, and stops when the client cancels.
 */
export function watchHandler(ctx: CoordinatorContext) {
  return (call: ServerWritableStream<WatchJobRequestMessage, JobEventMessage>): void => {
    void new JobWatch(ctx, call).run();
  };
}

class JobWatch {
  private last = '';
  private coalesce: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private reading = false;
  private again = false;
  /** The re-read asked for while reading is for a change that ended the job. */
  private againAtOnce = false;
  private finished = false;
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly ctx: CoordinatorContext,
    private readonly call: ServerWritableStream<WatchJobRequestMessage, JobEventMessage>,
  ) {}

  async run(): Promise<void> {
    this.call.on('cancelled', () => this.finish());
    const onShutdown = (): void => this.finish(unavailable('the coordinator is shutting down; watch again'));
    if (this.ctx.shutdown.aborted) return onShutdown();
    this.ctx.shutdown.addEventListener('abort', onShutdown, { once: true });
    const detach = (): void => this.ctx.shutdown.removeEventListener('abort', onShutdown);
    this.unsubscribe = (() => {
      const off = this.ctx.feed.subscribe(this.call.request.jobId ?? '', (ended) => this.schedule(ended));
      return () => {
        off();
        detach();
      };
    })();
    try {
      const job = await requireJob(this.ctx, this.call.request.jobId);
      requireJobAccess(jobCaller(this.call.metadata), job, 'watch');
      this.send(job, true);
    } catch (err) {
      return this.finish(err);
    }
    this.poll = setInterval(() => this.schedule(), this.ctx.config.watchPollMs);
    this.poll.unref();
  }

  /** Coalesces change notifications into one re-read; a change that ended the job is read at once (its event is the last). */
  private schedule(ended = false): void {
    if (this.finished) return;
    if (ended) {
      if (this.coalesce) clearTimeout(this.coalesce);
      this.coalesce = undefined;
      void this.refresh(true);
      return;
    }
    if (this.coalesce) return;
    this.coalesce = setTimeout(() => {
      this.coalesce = undefined;
      void this.refresh();
    }, this.ctx.config.watchCoalesceMs);
    this.coalesce.unref();
  }

  private async refresh(ended = false): Promise<void> {
    if (this.finished) return;
    if (this.reading) {
      this.again = true;
      this.againAtOnce ||= ended;
      return;
    }
    this.reading = true;
    try {
      // Only the initial snapshot carries the universe: it never changes, and a big one would be re-sent with every event.
      const job = await this.ctx.store.getJob(this.call.request.jobId, { omitSymbols: true });
      if (!job) throw new FlorinError('NOT_FOUND', `job ${this.call.request.jobId} disappeared`);
      this.send(job, false);
    } catch (err) {
      this.finish(err);
    } finally {
      this.reading = false;
    }
    if (this.again && !this.finished) {
      const atOnce = this.againAtOnce;
      this.again = false;
      this.againAtOnce = false;
      this.schedule(atOnce);
    }
  }

  private send(job: JobRecord, initial: boolean): void {
    if (this.finished) return;
    const print = fingerprint(job, this.ctx.activity.progressOf(job.jobId));
    if (!initial && print === this.last) return;
    this.last = print;
    const terminal = isTerminalJob(job.state);
    const tasks = terminal ? [] : this.ctx.activity.progressOf(job.jobId);
    this.call.write({ job: jobMessage(job), initial, terminal, tasks, progress: jobFraction(job, tasks) });
    if (terminal) this.finish();
  }

  private finish(err?: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.unsubscribe();
    if (this.coalesce) clearTimeout(this.coalesce);
    if (this.poll) clearInterval(this.poll);
    if (this.call.cancelled) return;
    if (err === undefined) this.call.end();
    else {
      if (!(err instanceof FlorinError) && !isServiceError(err)) this.ctx.config.onBackgroundError(err);
      this.call.emit('error', toServiceError(err));
    }
  }
}
