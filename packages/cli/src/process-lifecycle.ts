import { createLogger, type Logger } from '@florin/core';

let lifecycleLogger: Logger | undefined;
const lifecycleLog = (): Logger => (lifecycleLogger ??= createLogger('lifecycle'));

/**
 * Wires a long-running role process (shard, head, ...) to signals: the first
 * SIGTERM or SIGINT drains it via `stop(signal)`, then the process exits 0 (1 if
 * the drain failed). A second signal while draining exits at once with 1.
 * SIGTERM is how ECS (and an operator) replaces one task: the roles leave the
 * cluster first (leaveCluster). SIGINT is Ctrl-C, or `florin up` stopping the
 * whole cluster: nobody is left to give notice to, so they drain at once.
 */
export function stopOnSignals(stop: (signal: NodeJS.Signals) => Promise<void>, log: (line: string) => void = (l) => lifecycleLog().info(l)): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log(`${signal} again while draining; exiting now`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal} received; draining`);
    stop(signal).then(
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

/** What leaveCluster needs of a server: FlorinServer.leave() through its role's server. */
export interface LeavingServer {
  leave(noticeMs?: number): Promise<void>;
}

/**
 * The first half of a graceful stop (SIGTERM on ECS): health NOT_SERVING and
 * deregistration from discovery at once, then every call is still answered
 * for `noticeMs` while callers learn that this member left. The caller then
 * drains (server.close(drainMs)) and exits 0.
 */
export async function leaveCluster(server: LeavingServer, found: { deregister(): Promise<void> } | undefined, noticeMs: number): Promise<void> {
  const started = Date.now();
  const notice = server.leave(noticeMs);
  await found?.deregister();
  lifecycleLog().info({ noticeMs }, `leaving: NOT_SERVING${found ? ' and deregistered' : ''}; serving through the drain notice (${noticeMs} ms)`);
  await notice;
  lifecycleLog().info({ elapsedMs: Date.now() - started }, 'drain notice over; draining in-flight calls');
}
