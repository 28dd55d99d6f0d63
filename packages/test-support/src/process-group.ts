import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import type { ReadyLine } from '@florin/cli';
import { CLI } from './cli.js';

/** The line every role process prints on stdout once it serves. */
export type { ReadyLine } from '@florin/cli';

/** A `florin ...` process a test started, once it printed its ready line. */
export interface LaunchedProcess {
  readonly child: ChildProcess;
  /** The stdout line that said it was ready. */
  readonly line: string;
  /** Everything it wrote on stderr so far. */
  stderr(): string;
  /** True until it exited. */
  alive(): boolean;
}

/** One `florin <role>` process (shard, head, coordinator, qcu) a test started. */
export interface RoleProcess extends LaunchedProcess {
  readonly name: string;
  readonly ready: ReadyLine;
  readonly address: string;
  readonly pid: number;
}

/** A line a fixture unit logged (packages/test-support/fixtures/test-units.mjs), as its QCU wrote it to stderr. */
export interface UnitEvent {
  /** When the unit logged it (the QCU's clock: the same machine). */
  time: number;
  jobId: string;
  taskId: string;
  event: 'start' | 'done' | 'aborted';
  index: number;
  attempt: number;
  pid: number;
  reason?: string;
}

/**
 * The real processes one test started: each is started with the built CLI and
 * is ready once it prints its ready line. killAll() SIGKILLs whatever is still
 * running (also pids adopted from a `florin up` cluster file), so a failing
 * test leaves nothing behind. Processes are only ever signalled by pid.
 */
export class ProcessGroup {
  private readonly children: ChildProcess[] = [];
  private readonly adopted = new Set<number>();

  /**
   * Starts `florin <args>` and waits for its JSON ready line. The child is
   * tracked from the moment it is spawned, so killAll() reaches it even when
   * it never became ready.
   */
  async start(name: string, args: readonly string[], timeoutMs = 60_000): Promise<RoleProcess> {
    const launched = await this.launch(name, args, /^\{.*"event":"ready"/, timeoutMs);
    const ready = JSON.parse(launched.line) as ReadyLine;
    return { ...launched, name, ready, address: ready.address, pid: ready.pid };
  }

  /** Starts `florin <args>` and waits for a stdout line matching `ready` (tracked like start()). */
  async launch(name: string, args: readonly string[], ready: RegExp, timeoutMs = 60_000): Promise<LaunchedProcess> {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${name} (florin ${args.join(' ')}) not ready after ${timeoutMs} ms\n${stderr}`));
      }, timeoutMs);
      createInterface({ input: child.stdout }).on('line', (l) => {
        if (ready.test(l)) {
          clearTimeout(timer);
          resolve(l);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} (florin ${args.join(' ')}) exited (${signal ?? code}) before it was ready\n${stderr}`));
      });
    });
    return { child, line, stderr: () => stderr, alive: () => isRunning(child) };
  }

  /** Tracks a process started by someone else (a `florin up` child) so killAll() reaches it. */
  adopt(pid: number): void {
    this.adopted.add(pid);
  }

  /** SIGKILL, and wait until it is gone. */
  async kill(role: Pick<RoleProcess, 'child'>): Promise<void> {
    if (isRunning(role.child)) role.child.kill('SIGKILL');
    await exited(role.child);
  }

  /** SIGTERM (a role drains; `florin up` also stops on SIGINT), then SIGKILL after `graceMs`. Resolves with the exit code. */
  async stop(role: Pick<LaunchedProcess, 'child' | 'alive'>, graceMs = 15_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!role.alive()) return role.child.exitCode;
    role.child.kill(signal);
    const timer = setTimeout(() => role.child.kill('SIGKILL'), graceMs);
    try {
      return await exited(role.child);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILLs every process still running. Idempotent; never throws. */
  async killAll(): Promise<void> {
    for (const pid of this.adopted) {
      // Only while that pid still runs the CLI: a pid of a process long gone may have been reused.
      if (!runsCli(pid)) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.adopted.clear();
    await Promise.all(this.children.map((child) => this.kill({ child })));
  }
}

function runsCli(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(CLI);
  } catch {
    return false; // gone (or no /proc: then nothing is signalled)
  }
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * Resolves with the exit code (null when a signal ended it) once the child is
 * gone. Unlike cli.ts exitCode(), also right for a child a signal already ended.
 */
export function exited(child: ChildProcess): Promise<number | null> {
  if (!isRunning(child)) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** The fixture units' events a QCU logged so far. */
export function unitEvents(role: RoleProcess): UnitEvent[] {
  const events: UnitEvent[] = [];
  for (const line of role.stderr().split('\n')) {
    if (!line.startsWith('{') || !line.includes('fixture ')) continue;
    try {
      const entry = JSON.parse(line) as { time: number; jobId: string; taskId: string; message: string };
      if (!entry.message.startsWith('fixture ')) continue;
      events.push({ time: entry.time, jobId: entry.jobId, taskId: entry.taskId, ...(JSON.parse(entry.message.slice(8)) as Omit<UnitEvent, 'time' | 'jobId' | 'taskId'>) });
    } catch {
      // a partial line (still being written) or another JSON line
    }
  }
  return events;
}

/** A port free right now on 127.0.0.1 (for a process that must keep its address across a restart). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
