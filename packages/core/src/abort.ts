/** Waiting under an AbortSignal: for a promise, or for a stream's 'drain'. */

/**
 * Settles like `work`, or rejects with `reasonOf(signal)` (default: the
 * signal's reason) as soon as the signal fires; `work` is then left to finish
 * alone. Without a signal, answers `work`.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, reasonOf: (signal: AbortSignal) => unknown = (s) => s.reason): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(reasonOf(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      work.catch(() => undefined);
      reject(reasonOf(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Resolves on the emitter's next 'drain'; rejects with the signal's reason if it fires first. */
export function drained(emitter: NodeJS.EventEmitter, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      emitter.removeListener('drain', onDrain);
      signal.removeEventListener('abort', onAbort);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onAbort = (): void => {
      cleanup();
      reject(signal.reason as Error);
    };
    if (signal.aborted) return reject(signal.reason as Error);
    emitter.on('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
