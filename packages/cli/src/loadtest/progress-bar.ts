import cliProgress from 'cli-progress';
import type { LoadProgress } from './load-options.js';

/** A progress bar of a load test on stderr (drawn only when stderr is a terminal). */
export class LoadProgressBar {
  private readonly bar: cliProgress.SingleBar;
  private started = false;
  private stopped = false;

  constructor(label: string) {
    this.bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `${label} [{bar}] {percentage}% | {done} requests | {errors} errors | {duration}s`,
        fps: 10,
        hideCursor: false,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  /** Feeds one progress report: requests done of the bound, or elapsed seconds of the time bound. */
  update(p: LoadProgress): void {
    if (this.stopped) return;
    const timeShare = p.limitMs === undefined ? 0 : Math.min(1, p.elapsedMs / p.limitMs);
    const countShare = p.total === undefined ? 0 : Math.min(1, p.done / p.total);
    const value = Math.round(1000 * Math.max(timeShare, countShare));
    const payload = { done: p.done, errors: p.errors };
    if (!this.started) {
      this.started = true;
      this.bar.start(1000, value, payload);
    } else {
      this.bar.update(value, payload);
    }
  }

  /** Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.started) this.bar.stop();
  }
}
