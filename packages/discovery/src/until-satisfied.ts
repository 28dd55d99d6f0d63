/** How long a wait may last and what may cut it short. */
export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** The errors a wait ends with when it is not satisfied. */
export interface WaitErrors {
  readonly timedOut: () => Error;
  readonly cancelled: () => Error;
}

/**
 * Resolves once `satisfied()` holds: now, or after a change that `onChange` reports. Rejects with
 * `errors.timedOut()` after `timeoutMs`, or `errors.cancelled()` when the signal fires (or already has).
 * Listener, timer and abort handler are removed however the wait ends.
 */
export function untilSatisfied(
  onChange: (listener: () => void) => () => void,
  satisfied: () => boolean,
  options: WaitOptions,
  errors: WaitErrors,
): Promise<void> {
  if (satisfied()) return Promise.resolve();
  if (options.signal?.aborted) return Promise.reject(errors.cancelled());
  return new Promise<void>((resolve, reject) => {
    const done = (err: Error | undefined): void => {
      stop();
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onAbort = (): void => done(errors.cancelled());
    const stop = onChange(() => {
      if (satisfied()) done(undefined);
    });
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => done(errors.timedOut()), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
