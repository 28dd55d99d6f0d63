import { readFileSync } from 'node:fs';

/**
 * Resident set size of process `pid` in MiB, from /proc/<pid>/status (VmRSS;
 * Linux only). Undefined when the process is gone.
 */
export function processRssMb(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read the RSS of process ${pid} from /proc (this benchmark needs Linux): ${(err as Error).message}`, { cause: err });
  }
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) return undefined;
  return Number(match[1]) / 1024;
}
