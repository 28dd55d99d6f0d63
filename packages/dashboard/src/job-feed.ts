import type { Job, JobsClient } from '@florin/client';
import type { CallerIdentity } from '@florin/core';
import { jobView } from './job-views.js';
import type { JobView } from './views.js';

/** Jobs of the first look (the newest page). */
const FIRST_LOOK = 100;
/** Unfinished jobs followed for their progress, and changed jobs taken per poll (the coordinator's page limit). */
const PAGE_LIMIT = 1_000;
/** How far before the newest change seen the next look starts (changes committed out of order). */
const OVERLAP_MS = 1_000;
/** Pages of changes taken per poll at most (a burst larger than this is caught up over the next polls). */
const CHANGE_PAGES = 5;

/**
 * Live job updates for the page: while at least one browser follows the event
 * stream, polls the coordinator every `intervalMs` and emits each job whose
 * state or progress changed since the last poll, so the page patches the rows
 * it shows instead of reloading them. A poll is two List calls whatever the
 * number of jobs: the unfinished jobs (their progress moves without a state
 * change) and the jobs whose state changed since the newest change already
 * seen (updated_since_ms: new jobs, and old ones cancelled or finished).
 */
export class JobFeed {
  /** Per job, what was last emitted (updated time and tasks done). */
  private readonly seen = new Map<string, string>();
  private watermarkMs = 0;
  private first = true;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private closed = false;

  constructor(
    private readonly jobs: JobsClient,
    private readonly emit: (job: JobView) => void,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
    /** Whose calls these are (the session's caller; undefined without logins): decides mayCancel. */
    private readonly viewer?: CallerIdentity,
  ) {}

  /** Starts or stops polling with the number of followers. */
  followers(count: number): void {
    if (this.closed) return;
    if (count > 0 && !this.timer) {
      this.timer = setInterval(() => void this.poll(), this.intervalMs);
      this.timer.unref();
      void this.poll();
    } else if (count === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** One poll (skipped while one is running). */
  async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const [recent, open] = await Promise.all([this.changes(), this.jobs.list({ states: ['queued', 'running'], limit: PAGE_LIMIT, deadlineMs: 5_000 })]);
      this.first = false;
      const now = Date.now();
      const byId = new Map<string, Job>([...recent, ...open].map((j) => [j.jobId, j]));
      for (const job of byId.values()) {
        if (job.updatedMs > this.watermarkMs) this.watermarkMs = job.updatedMs;
        const p = job.progress;
        const key = `${job.state}/${job.updatedMs}/${p.tasksSucceeded}/${p.tasksFailed}/${p.tasksCancelled}/${p.tasksRunning}/${p.retries}`;
        // Only what changed goes out (a thousand running jobs that did not move cost nothing on the wire).
        if (this.seen.get(job.jobId) === key) continue;
        this.seen.set(job.jobId, key);
        this.emit(jobView(job, now, this.viewer));
      }
      if (this.seen.size > 20_000) this.seen.clear();
    } catch (err) {
      this.onError(err);
    } finally {
      this.polling = false;
    }
  }

  /** The first look: the newest jobs. Later: the jobs changed since the newest change seen, oldest change first, a few pages at most. */
  private async changes(): Promise<Job[]> {
    if (this.first) return this.jobs.list({ limit: FIRST_LOOK, deadlineMs: 5_000 });
    const all: Job[] = [];
    let since = Math.max(1, this.watermarkMs - OVERLAP_MS);
    for (let page = 0; page < CHANGE_PAGES; page++) {
      const jobs = await this.jobs.list({ updatedSinceMs: since, limit: PAGE_LIMIT, deadlineMs: 5_000 });
      all.push(...jobs);
      const last = jobs[jobs.length - 1];
      if (jobs.length < PAGE_LIMIT || !last || last.updatedMs <= since) break;
      since = last.updatedMs;
    }
    return all;
  }

  /** Idempotent. */
  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
