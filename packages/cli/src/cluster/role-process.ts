import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ReadyLine } from '../process-lifecycle.js';

/** The built CLI entry point, used to start role processes (the built one also when this module runs from its TypeScript source, as in tests). */
export const CLI_MAIN = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../dist/main.js' : '../main.js', import.meta.url));

export type RoleProcessState = 'starting' | 'ready' | 'stopping' | 'exited';

/**
 * One child process running a Florin role (`florin shard ...`, `florin head ...`).
 * Ready when it prints its ready line; stopped with SIGINT (then SIGKILL after a grace period).
 */
export class RoleProcess {
  readonly name: string;
  private readonly child: ChildProcess;
  private stateValue: RoleProcessState = 'starting';
  private readyLine: ReadyLine | undefined;
  private readonly exited: Promise<number | null>;
  private stopping: Promise<number | null> | undefined;

  constructor(name: string, args: readonly string[], log: (line: string) => void, nodeArgs: readonly string[] = []) {
    this.name = name;
    // The AWS SDK's Node-version notice is printed once by `florin up` itself, not once per child.
    this.child = spawn(process.execPath, [...nodeArgs, CLI_MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        this.stateValue = 'exited';
        resolve(code);
      }),
    );
    createInterface({ input: this.child.stderr! }).on('line', (line) => log(`[${name}] ${line}`));
    this.readyPromise = new Promise<ReadyLine>((resolve, reject) => {
      createInterface({ input: this.child.stdout! }).on('line', (line) => {
        if (!this.readyLine && line.startsWith('{')) {
          try {
            const parsed = JSON.parse(line) as ReadyLine;
            if (parsed.event === 'ready') {
              this.readyLine = parsed;
              this.stateValue = 'ready';
              resolve(parsed);
              return;
            }
          } catch {
            // not a ready line: fall through and log it
          }
        }
        log(`[${name}] ${line}`);
      });
      void this.exited.then((code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
    });
    this.readyPromise.catch(() => undefined);
  }

  private readonly readyPromise: Promise<ReadyLine>;

  get state(): RoleProcessState {
    return this.stateValue;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Resolves with the ready line, or rejects if the process exits first or `timeoutMs` passes. */
  ready(timeoutMs = 60_000): Promise<ReadyLine> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} not ready after ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
      this.readyPromise.then(
        (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }

  /**
   * SIGINT (the whole cluster stops: the process drains without a drain notice, see stopOnSignals),
   * then SIGKILL after `graceMs`. Resolves with the exit code. Idempotent.
   */
  stop(graceMs = 10_000): Promise<number | null> {
    if (!this.stopping) {
      if (this.stateValue === 'exited') {
        this.stopping = this.exited;
      } else {
        this.stateValue = 'stopping';
        this.child.kill('SIGINT');
        const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
        timer.unref();
        this.stopping = this.exited.finally(() => clearTimeout(timer));
      }
    }
    return this.stopping;
  }

  /** Resolves when the process exits for any reason. */
  whenExited(): Promise<number | null> {
    return this.exited;
  }
}
