import type { UnitLogEntry } from '../context.js';
import type { TaskLogLine } from './work-port.js';

/** Lines of one task kept for its outcome (the coordinator keeps at most its own maxLogLines, default 100). */
export const TASK_LOG_LINES = 100;
/** Characters kept per line. */
export const TASK_LOG_LINE_CHARS = 2_000;

/** The last `capacity` lines a task's unit logged: a ring, so a chatty unit costs bounded memory. */
export class TaskLog {
  private readonly ring: TaskLogLine[] = [];
  private next = 0;

  constructor(private readonly capacity = TASK_LOG_LINES) {}

  add(entry: UnitLogEntry): void {
    const message = entry.message.length > TASK_LOG_LINE_CHARS ? `${entry.message.slice(0, TASK_LOG_LINE_CHARS - 1)}…` : entry.message;
    const line = { timeMs: entry.time, message };
    if (this.ring.length < this.capacity) this.ring.push(line);
    else this.ring[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  lines(): TaskLogLine[] {
    return this.ring.length < this.capacity ? [...this.ring] : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }
}
