import { createLogger, type Logger } from '@florin/core';

let lifecycleLogger: Logger | undefined;
const lifecycleLog = (): Logger => (lifecycleLogger ??= createLogger('lifecycle'));

/**
 * Wires a long-running role process (shard, head, ...) to signals: the first
 * SIGTERM or SIGINT drains it via `stop()`, then the process exits 0 (1 if the
 * drain failed). A second signal while draining exits at once with 1.
 */
export function stopOnSignals(stop: () => Promise<void>, log: (line: string) => void = (l) => lifecycleLog().info(l)): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log(`${signal} again while draining; exiting now`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal} received; draining`);
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log(`drain failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** The line a role process prints on stdout once it is ready, read by `florin up`. */
export interface ReadyLine {
  event: 'ready';
  role: string;
  id: string;
  address: string;
  pid: number;
}

export function announceReady(line: Omit<ReadyLine, 'event' | 'pid'>): void {
  const ready: ReadyLine = { event: 'ready', pid: process.pid, ...line };
  process.stdout.write(JSON.stringify(ready) + '\n');
}
