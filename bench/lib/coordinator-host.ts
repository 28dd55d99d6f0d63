import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childReply, servingPort } from './child-reply.js';
import { runCoordinator, type CoordinatorOptions, type JobStoreSpec, type RunningCoordinator } from '@florin/coordinator';

/** Where the benchmark's coordinator runs: its own process (like Redis for BullMQ), or this one. */
export type CoordinatorPlacement = 'process' | 'inline';

export interface BenchCoordinatorOptions {
  readonly store: JobStoreSpec;
  readonly placement: CoordinatorPlacement;
  readonly options?: CoordinatorOptions;
  /** Extra node flags of the coordinator process (e.g. --cpu-prof); 'process' placement only. */
  readonly execArgv?: readonly string[];
}

/** A started coordinator, wherever it runs. */
export interface BenchCoordinator {
  readonly address: string;
  readonly placement: CoordinatorPlacement;
  /** The coordinator process id ('process' placement). */
  readonly pid: number | undefined;
  /** CPU time (user + system) the coordinator process used so far, in ms; undefined when it shares this process ('inline'). */
  cpuMs(): Promise<number | undefined>;
  /** Closes the coordinator (and waits for its process to exit). Idempotent. */
  close(): Promise<void>;
}

const CHILD_SCRIPT = fileURLToPath(new URL('./coordinator-process.js', import.meta.url));
const EXIT_TIMEOUT_MS = 10_000;

/** Starts a coordinator over `store` on 127.0.0.1, port 0. */
export async function startBenchCoordinator(options: BenchCoordinatorOptions): Promise<BenchCoordinator> {
  if (options.placement === 'inline') return inline(await runCoordinator({ store: options.store, ...options.options }));
  const child = fork(CHILD_SCRIPT, [JSON.stringify({ store: options.store, options: options.options ?? {} })], {
    execArgv: [...(options.execArgv ?? [])],
    // stdout ignored: the benchmark's stdout holds only the table and the JSON line.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    const port = await servingPort(child, 'coordinator');
    return forked(child, `127.0.0.1:${port}`);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

function inline(running: RunningCoordinator): BenchCoordinator {
  return { address: running.address, placement: 'inline', pid: undefined, cpuMs: async () => undefined, close: () => running.close(500) };
}

function forked(child: ChildProcess, address: string): BenchCoordinator {
  let closing: Promise<void> | undefined;
  return {
    address,
    placement: 'process',
    pid: child.pid,
    cpuMs: () => childReply(child, 'coordinator', 'cpu', (m) => (m as { cpuMs?: unknown } | null)?.cpuMs).then((v) => (typeof v === 'number' ? v : undefined)),
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        if (child.connected) child.send('close');
        else child.kill('SIGTERM');
      });
      return closing;
    },
  };
}
