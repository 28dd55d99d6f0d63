import type { ChildProcess } from 'node:child_process';

/** How long a forked benchmark child may take to answer (to start serving, or a request). */
export const CHILD_REPLY_TIMEOUT_MS = 20_000;

/**
 * Sends `request` (if any) to a forked child (`name` says which, in errors) and
 * resolves the first message `pick` answers something other than undefined for;
 * rejects when the process exits, fails, or stays silent for CHILD_REPLY_TIMEOUT_MS.
 */
export function childReply<T>(child: ChildProcess, name: string, request: string | undefined, pick: (message: unknown) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`the ${name} process did not answer within ${CHILD_REPLY_TIMEOUT_MS} ms`)), CHILD_REPLY_TIMEOUT_MS);
    const onMessage = (message: unknown): void => {
      const value = pick(message);
      if (value !== undefined) done(undefined, value);
    };
    const onExit = (code: number | null, signal: string | null): void => done(new Error(`the ${name} process exited (code ${code}, signal ${signal})`));
    const onError = (err: Error): void => done(err);
    function done(err: Error | undefined, value?: T): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
      if (err) reject(err);
      else resolve(value!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
    if (request !== undefined) child.send(request);
  });
}

/** The port a forked server child reports once it serves ({ port }). */
export function servingPort(child: ChildProcess, name: string): Promise<number> {
  return childReply(child, name, undefined, (m) => {
    const port = (m as { port?: unknown } | null)?.port;
    return typeof port === 'number' ? port : undefined;
  });
}
