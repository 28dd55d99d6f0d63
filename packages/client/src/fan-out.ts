import { invalidArgument } from '@florin/core';
import { abortError, type CallOptions } from './call-options.js';

/**
 * Runs one call per group in parallel, results in the groups' order, and
 * rejects with the first failure, which also cancels the other calls when
 * `cancelOnFailure` (reads; a write cut off mid-flight would leave its outcome
 * unknown, so writes pass false). The caller's signal cancels them all, and
 * each call gets the caller's deadline.
 */
export async function fanOut<K, G, R>(
  groups: ReadonlyMap<K, G>,
  options: CallOptions | undefined,
  call: (key: K, group: G, options: CallOptions) => Promise<R>,
  cancelOnFailure = true,
): Promise<R[]> {
  const outer = options?.signal;
  if (outer?.aborted) throw abortError(outer);
  if (options?.deadlineMs !== undefined && !(options.deadlineMs > 0)) {
    throw invalidArgument(`deadlineMs must be a positive number of milliseconds, got ${String(options.deadlineMs)}`);
  }
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(outer!.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const callOptions: CallOptions = { deadlineMs: options?.deadlineMs, signal: controller.signal };
  try {
    return await Promise.all(
      [...groups].map(([key, group]) =>
        call(key, group, callOptions).catch((err: unknown) => {
          if (cancelOnFailure && !controller.signal.aborted) controller.abort(err);
          throw err;
        }),
      ),
    );
  } catch (err) {
    throw outer?.aborted ? abortError(outer) : err;
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
  }
}
