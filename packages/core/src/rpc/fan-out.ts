import { invalidArgument } from '../errors.js';
import type { SeriesFrame } from '../frame.js';
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
  if (groups.size === 1) {
    // One call: nothing to cancel on failure, so it takes the caller's signal as is (no controller, no listener).
    const [key, group] = groups.entries().next().value as [K, G];
    try {
      return [await call(key, group, { deadlineMs: options?.deadlineMs, signal: outer })];
    } catch (err) {
      throw outer?.aborted ? abortError(outer) : err;
    }
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

/** Groups items by a key, keeping each group in input order. */
export function groupBy<K, T>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(item);
  }
  return groups;
}

/** Merges the frames of a fanned-out read back into request order: one per distinct symbol. */
export function framesInRequestOrder(symbols: readonly string[], parts: readonly (readonly SeriesFrame[])[]): SeriesFrame[] {
  const bySymbol = new Map<string, SeriesFrame>();
  for (const frames of parts) for (const f of frames) bySymbol.set(f.symbol, f);
  return symbols.map((s) => bySymbol.get(s)!);
}

/** The symbol lists of a fanned-out ListSymbols as one list: sorted, each symbol once. */
export function mergeSymbols(parts: readonly (readonly string[])[]): string[] {
  return [...new Set(parts.flat())].sort();
}
