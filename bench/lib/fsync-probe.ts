import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** fdatasync latency of a directory's disk, in ms: what a durable commit costs at least. */
export interface FsyncLatency {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly maxMs: number;
}

/**
 * Writes and fdatasyncs one 4 KiB page `samples` times in a scratch file in
 * `dir` (SQLite synchronous=FULL pays one such sync per commit, plus the WAL
 * write). A shared or busy disk shows here first.
 */
export function probeFsync(dir: string, samples = 100): FsyncLatency {
  const path = join(dir, 'fsync-probe.bin');
  const page = Buffer.alloc(4096, 1);
  const times: number[] = [];
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < samples; i++) {
      writeSync(fd, page, 0, page.length, (i % 16) * page.length);
      const t = performance.now();
      fdatasyncSync(fd);
      times.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
  times.sort((a, b) => a - b);
  const at = (q: number): number => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]! * 1000) / 1000;
  return { samples, p50Ms: at(0.5), p90Ms: at(0.9), maxMs: at(1) };
}
