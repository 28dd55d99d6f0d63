import type { TaskProgressMessage } from '@florin/core';

/** Most tasks tracked at once; beyond it the oldest entries are forgotten (leases that expired unseen). */
const MAX_TRACKED = 200_000;

/**
 * What the coordinator knows about running tasks in memory only: when each
 * attempt was leased (for task durations) and the last progress its unit
 * reported on a heartbeat (for Watch events). Not durable: a restarted
 * coordinator starts empty, and the next heartbeat reports progress again.
 */
export class TaskActivity {
  private readonly leasedAt = new Map<string, number>();
  private readonly progress = new Map<string, Map<number, TaskProgressMessage>>();

  leased(taskId: string, attempt: number, nowMs: number): void {
    if (this.leasedAt.size >= MAX_TRACKED) this.leasedAt.delete(this.leasedAt.keys().next().value!);
    this.leasedAt.set(`${taskId}#${attempt}`, nowMs);
  }

  /** Forgets the attempt and its progress; answers how long ago it was leased (undefined if unknown). */
  finished(taskId: string, attempt: number, jobId: string, index: number, nowMs: number): number | undefined {
    const key = `${taskId}#${attempt}`;
    const at = this.leasedAt.get(key);
    this.leasedAt.delete(key);
    this.progress.get(jobId)?.delete(index);
    return at === undefined ? undefined : nowMs - at;
  }

  report(jobId: string, index: number, fraction: number, message: string): void {
    let tasks = this.progress.get(jobId);
    if (!tasks) {
      if (this.progress.size >= MAX_TRACKED) this.progress.delete(this.progress.keys().next().value!);
      tasks = new Map();
      this.progress.set(jobId, tasks);
    }
    tasks.set(index, { index, fraction, message });
  }

  /** The job's running tasks' progress, by index. */
  progressOf(jobId: string): TaskProgressMessage[] {
    const tasks = this.progress.get(jobId);
    return tasks ? [...tasks.values()].sort((a, b) => a.index - b.index) : [];
  }

  /** Forgets a job that ended. */
  endJob(jobId: string): void {
    this.progress.delete(jobId);
  }
}
