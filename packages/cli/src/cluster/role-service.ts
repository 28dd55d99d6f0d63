import { setTimeout as sleep } from 'node:timers/promises';
import { RoleProcess } from './role-process.js';
import type { ReadyLine } from '../process-lifecycle.js';

export type RoleServiceState = 'created' | 'running' | 'restarting' | 'stopping' | 'stopped';

export interface RoleServiceOptions {
  /** First restart delay (doubles per consecutive failure, with jitter). Default 250 ms. */
  minBackoffMs?: number;
  /** Longest restart delay. Default 10 s. */
  maxBackoffMs?: number;
  /** A task that stayed up this long resets the backoff. Default 30 s. */
  stableMs?: number;
  /** Node flags of the role's process (e.g. `--cpu-prof --cpu-prof-dir <dir>`). Default none. */
  nodeArgs?: readonly string[];
  log: (line: string) => void;
}

/**
 * One role kept running, as an ECS service with one task keeps its task: when
 * the process exits without being asked to, a new one is started (same
 * arguments, so `--port 0` gives it a new port) after a backoff that doubles
 * per consecutive early failure. Callers find the replacement through
 * discovery, not through this object; `onReplaced` is for bookkeeping (the
 * cluster file). `stop()` is idempotent and stops restarting first.
 */
export class RoleService {
  readonly name: string;
  private stateValue: RoleServiceState = 'created';
  private process: RoleProcess | undefined;
  private readyLine: ReadyLine | undefined;
  private restarts = 0;
  private failures = 0;
  private stopping: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly listeners: ((ready: ReadyLine) => void)[] = [];
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly stableMs: number;

  constructor(
    name: string,
    private readonly args: () => readonly string[],
    private readonly options: RoleServiceOptions,
  ) {
    this.name = name;
    this.minBackoffMs = options.minBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.stableMs = options.stableMs ?? 30_000;
  }

  get state(): RoleServiceState {
    return this.stateValue;
  }

  /** The ready line of the current task (after start). */
  get current(): ReadyLine {
    if (!this.readyLine) throw new Error(`${this.name} is ${this.stateValue}, not running`);
    return this.readyLine;
  }

  /** How many times the task was replaced. */
  get restartCount(): number {
    return this.restarts;
  }

  /** Calls `listener` with each replacement's ready line. */
  onReplaced(listener: (ready: ReadyLine) => void): void {
    this.listeners.push(listener);
  }

  /** Starts the first task and resolves with its ready line; a first task that fails to start rejects. */
  async start(): Promise<ReadyLine> {
    if (this.stateValue !== 'created') throw new Error(`cannot start ${this.name}: it is ${this.stateValue}`);
    const proc = new RoleProcess(this.name, this.args(), this.options.log, this.options.nodeArgs);
    this.process = proc;
    this.readyLine = await proc.ready();
    this.stateValue = 'running';
    void this.supervise(proc, Date.now());
    return this.readyLine;
  }

  private async supervise(proc: RoleProcess, startedAt: number): Promise<void> {
    for (;;) {
      const code = await proc.whenExited();
      if (this.abort.signal.aborted) return;
      this.failures = Date.now() - startedAt >= this.stableMs ? 1 : this.failures + 1;
      const ceiling = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** (this.failures - 1));
      const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
      this.stateValue = 'restarting';
      this.options.log(`${this.name} exited unexpectedly (code ${String(code)}); starting a new one in ${delay} ms`);
      try {
        await sleep(delay, undefined, { signal: this.abort.signal });
      } catch {
        return;
      }
      const next = new RoleProcess(this.name, this.args(), this.options.log, this.options.nodeArgs);
      this.process = next;
      try {
        this.readyLine = await next.ready();
      } catch (err) {
        this.options.log(`${this.name}: replacement failed to start: ${err instanceof Error ? err.message : String(err)}`);
        proc = next;
        startedAt = Date.now();
        continue;
      }
      if (this.abort.signal.aborted) return;
      this.restarts++;
      this.stateValue = 'running';
      this.options.log(`${this.name} replaced: now ${this.readyLine.address} (pid ${this.readyLine.pid})`);
      for (const listener of this.listeners) listener(this.readyLine);
      proc = next;
      startedAt = Date.now();
    }
  }

  /** Stops restarting, then SIGINTs the current task (SIGKILL after `graceMs`). Idempotent. */
  stop(graceMs?: number): Promise<void> {
    if (!this.stopping) {
      this.abort.abort();
      this.stateValue = 'stopping';
      this.stopping = (async () => {
        await this.process?.stop(graceMs);
        this.stateValue = 'stopped';
      })();
    }
    return this.stopping;
  }
}
