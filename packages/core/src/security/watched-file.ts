import { readFileSync, statSync } from 'node:fs';

/** A value that may change under a process (keys rotated in a file), or never (keys given as text). */
export interface KeySource<T> {
  /** The current value (a file is re-read when it changed). */
  current(): T;
  /** Re-reads now; true when the value changed. */
  reload(): boolean;
}

/** A value given once (text, an environment variable): never reloads. */
export function fixedSource<T>(value: T): KeySource<T> {
  return { current: () => value, reload: () => false };
}

/**
 * A value parsed from a file that is re-read when the file changes (checked at
 * most every `recheckMs`), so keys can be rotated without a restart. A file
 * that is unreadable or invalid mid-rotation leaves the last good value in use.
 */
export class WatchedFile<T> implements KeySource<T> {
  private value: T;
  private mtimeMs: number;
  private checkedAt = Date.now();

  /** Reads and parses `file` now: a missing or invalid file fails at start. */
  constructor(
    private readonly file: string,
    private readonly parse: (text: string, origin: string) => T,
    private readonly recheckMs: number,
  ) {
    this.value = parse(readFileSync(file, 'utf8'), file);
    this.mtimeMs = statSync(file).mtimeMs;
  }

  /** The current value; re-reads the file if it changed since the last check. */
  current(): T {
    if (Date.now() - this.checkedAt >= this.recheckMs) this.reload();
    return this.value;
  }

  /** Re-reads the file now; true when it changed and parsed. */
  reload(): boolean {
    this.checkedAt = Date.now();
    try {
      const mtimeMs = statSync(this.file).mtimeMs;
      if (mtimeMs === this.mtimeMs) return false;
      this.value = this.parse(readFileSync(this.file, 'utf8'), this.file);
      this.mtimeMs = mtimeMs;
      return true;
    } catch {
      return false;
    }
  }
}
