import { readFileSync } from 'node:fs';

/** The kernel's start time of a process (Linux /proc), to tell a reused pid from the original; undefined elsewhere. */
export function processStartTime(pid: number): string | undefined {
  const stat = procStat(pid);
  return stat?.[19];
}

/** True while `pid` runs (a zombie counts as dead) and, when given, still has the start time it had. */
export function processAlive(pid: number, startTime?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(pid);
  if (!stat) return true; // no /proc: the signal check is all we have
  if (stat[0] === 'Z' || stat[0] === 'X') return false;
  return startTime === undefined || stat[19] === startTime;
}

/** Fields 3.. of /proc/<pid>/stat (index 0 is the state), or undefined without /proc. */
function procStat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}
