import type { ChangeSet, JobStore } from './store/job-store.js';
import type { TaskPolicy } from './model.js';

export interface LeaseSweeperOptions {
  store: JobStore;
  policy: TaskPolicy;
  intervalMs: number;
  /** Called with what each sweep changed (wake long polls and watchers). */
  onChanges: (changes: ChangeSet) => void;
  onError: (err: unknown) => void;
}

/**
 * Requeues expired leases every intervalMs (an unref'd timer, so it never keeps
 * the process alive). LeaseTasks also requeues lazily, so a sweep is only
 * needed for jobs nobody is leasing from, e.g. to fail a job whose tasks keep
 * losing their leases, and for Watch progress.
 */
export class LeaseSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: LeaseSweeperOptions) {}

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.sweep(), this.options.intervalMs);
    this.timer.unref();
  }

  /** One sweep now (skipped when one is already running). */
  sweep(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= (async () => {
      try {
        const changes = await this.options.store.requeueExpired(Date.now(), this.options.policy);
        if (changes.jobIds.length > 0 || changes.tasksReady) this.options.onChanges(changes);
      } catch (err) {
        if (!this.stopped) this.options.onError(err);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Stops the timer and waits for a sweep in progress. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
