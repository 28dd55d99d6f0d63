import { closeSync, fdatasync, openSync } from 'node:fs';
import { promisify } from 'node:util';

const fdatasyncAsync = promisify(fdatasync);

/** A committed transaction's answer, given once its commit is as durable as it asked. */
export interface CommitAnswer {
  settle(): void;
  reject(err: unknown): void;
}

/**
 * Flushes a SQLite WAL file (fdatasync, on the libuv thread pool) and answers
 * transactions once what they wrote or read is on disk. One flush runs at a
 * time; it covers every commit made before it started (the WAL is appended
 * in order), so the answers of groups committed during a flush wait for the
 * next one, which covers them all. A flush that fails leaves the file's
 * state on disk unknown: its answers and every later one are refused.
 */
export class WalFlusher {
  private fd: number | undefined;
  /** Answers waiting for the next flush. */
  private next: CommitAnswer[] = [];
  /** Answers the running flush covers. */
  private current: CommitAnswer[] = [];
  /** A durable write was committed since the last flush started. */
  private dirty = false;
  /** An fdatasync is under way (it covers everything committed before it started). */
  private syncing = false;
  /** The flush loop, while it runs. */
  private running: Promise<void> | undefined;
  private failure: Error | undefined;
  private flushes = 0;

  constructor(private readonly walPath: string) {}

  /** Flushes done. */
  get count(): number {
    return this.flushes;
  }

  /** The failed flush's error, after which nothing is answered. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /**
   * Answers `answers` once a flush covers the group they committed in.
   * `wrote`: the group committed a durable write. A group that did not sees
   * only what was committed before: it rides the flush in progress, or is
   * answered at once when everything committed is already on disk.
   */
  after(answers: readonly CommitAnswer[], wrote: boolean): void {
    if (this.failure) {
      for (const a of answers) a.reject(this.failure);
      return;
    }
    if (wrote) this.dirty = true;
    if (this.dirty) {
      this.next.push(...answers);
      this.kick();
    } else if (this.syncing) {
      this.current.push(...answers);
    } else {
      for (const a of answers) a.settle();
    }
  }

  /** Waits for the flushes under way; closes the file. Idempotent. */
  async close(): Promise<void> {
    while (this.running) await this.running;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Starts the flush loop unless it runs; a loop that ended with more to flush starts again. */
  private kick(): void {
    if (this.running || this.failure) return;
    const run = this.run();
    this.running = run;
    void run.then(() => {
      if (this.running === run) this.running = undefined;
      if (this.dirty) this.kick();
    });
  }

  private async run(): Promise<void> {
    while (this.dirty && !this.failure) {
      this.dirty = false;
      this.current = this.next;
      this.next = [];
      this.syncing = true;
      try {
        this.fd ??= openSync(this.walPath, 'r+');
        await fdatasyncAsync(this.fd);
        this.flushes++;
        for (const a of this.current) a.settle();
      } catch (err) {
        this.failure = new Error(
          `the write-ahead log ${this.walPath} could not be flushed to disk (${err instanceof Error ? err.message : String(err)}); what is on disk is unknown: restart the coordinator`,
          { cause: err },
        );
        for (const a of [...this.current, ...this.next]) a.reject(this.failure);
        this.next = [];
      } finally {
        this.syncing = false;
        this.current = [];
      }
    }
  }
}
