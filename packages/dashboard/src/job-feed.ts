import type { JobsClient } from '@florin/client';
import { jobView } from './job-views.js';
import type { JobView } from './views.js';

/** Jobs of the newest page watched for changes besides every unfinished job. */
const RECENT = 100;
/** Unfinished jobs watched (the coordinator's page limit). */
const OPEN_LIMIT = 1_000;

/**
 * Live job updates for the page: while at least one browser follows the event
 * stream, polls the coordinator every `intervalMs` (the newest jobs and every
 * queued or running one: two List calls whatever the number of jobs) and
 * emits each job whose state or progress changed since the last poll, so the
 * page patches the rows it shows instead of reloading them.
 */
export class JobFeed {
  private readonly seen = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private closed = false;

  constructor(
    private readonly jobs: JobsClient,
    private readonly emit: (job: JobView) => void,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
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
      const [recent, open] = await Promise.all([
        this.jobs.list({ limit: RECENT, deadlineMs: 5_000 }),
        this.jobs.list({ states: ['queued', 'running'], limit: OPEN_LIMIT, deadlineMs: 5_000 }),
      ]);
      const now = Date.now();
      const byId = new Map([...recent, ...open].map((j) => [j.jobId, j]));
      for (const job of byId.values()) {
        const key = job.updatedMs * 1_000_003 + job.progress.tasksSucceeded;
        if (this.seen.get(job.jobId) === key && job.state !== 'running') continue;
        this.seen.set(job.jobId, key);
        this.emit(jobView(job, now));
      }
      // Forget jobs neither list shows any more (old finished ones), so the map stays small.
      if (this.seen.size > 4 * (RECENT + OPEN_LIMIT)) for (const id of [...this.seen.keys()]) if (!byId.has(id)) this.seen.delete(id);
    } catch (err) {
      this.onError(err);
    } finally {
      this.polling = false;
    }
  }

  /** Idempotent. */
  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
