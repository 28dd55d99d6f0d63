import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, all threads: DuckDB's and the kernel workers' too)
 * a process has used so far, in ms; undefined without /proc (not Linux) or
 * once the process is gone.
 */
export function processCpuMs(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? ((utime + stime) * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/** CPU ms used by each named process between two snapshots (names missing from either are left out). */
export function cpuBetween(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): Record<string, number> {
  const used: Record<string, number> = {};
  for (const [name, ms] of after) {
    const was = before.get(name);
    if (was !== undefined) used[name] = Math.round(ms - was);
  }
  return used;
}

/** A snapshot of processCpuMs for each named pid. */
export function cpuSnapshot(pids: Readonly<Record<string, number>>): Map<string, number> {
  const snapshot = new Map<string, number>();
  for (const [name, pid] of Object.entries(pids)) {
    const ms = processCpuMs(pid);
    if (ms !== undefined) snapshot.set(name, ms);
  }
  return snapshot;
}
