import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, trace, type Context, type ContextManager } from '@opentelemetry/api';

/**
 * A context manager that pays for AsyncLocalStorage only while a sampled span needs it.
 *
 * On Node 20 and 22, an AsyncLocalStorage that has been entered keeps async_hooks (promise hooks
 * included) on for every promise and callback of the process: measured with bench:telemetry, that
 * alone cost the head ~20% more CPU per cache-hit read, more than every span and metric together.
 * The SDK's default AsyncLocalStorageContextManager enters it for every context, even the
 * exporters' own; with head-based sampling most calls have nothing to carry.
 *
 * So: a context holding a recording (sampled) span is entered into AsyncLocalStorage, and follows
 * every await and callback of the work it starts, as with the default manager. While none is in
 * flight, the storage is disabled (the hooks go off) and any other context (an unsampled span,
 * the exporters' suppressed tracing) is active only for the synchronous part of `with`: nothing in
 * Florin reads such a context after an await (an unsampled span has no children and propagates
 * nothing). A sampled context's work that outlives its `with` (a detached fetch) keeps its context
 * while any sampled span is in flight; after that it runs in the root context.
 */
export class SampledSpanContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  /** `with` bodies over a recording span not settled yet. */
  private inFlight = 0;
  /** The context of the synchronous `with` body running now, when the storage is off. */
  private syncContext: Context | undefined;
  private enabled = false;

  /** Whether AsyncLocalStorage (and so async_hooks) is on now: only while a sampled `with` body is in flight. */
  get storageOn(): boolean {
    return this.inFlight > 0;
  }

  active(): Context {
    return this.syncContext ?? this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const call = (): ReturnType<F> => (thisArg === undefined ? fn(...args) : fn.call(thisArg, ...args));
    if (!this.enabled) return call();
    const sampled = trace.getSpan(context)?.isRecording() === true;
    if (!sampled && this.inFlight === 0) return this.runSync(context, call);
    // A sampled context, or any context while the storage is on (so an outer sampled context does not leak into it).
    const outerSync = this.syncContext;
    this.syncContext = undefined;
    if (sampled) this.inFlight++;
    let result: ReturnType<F>;
    try {
      result = this.storage.run(context, call);
    } catch (err) {
      if (sampled) this.settled();
      throw err;
    } finally {
      this.syncContext = outerSync;
    }
    if (sampled) {
      if (isThenable(result)) result.then(this.settle, this.settle);
      else this.settled();
    }
    return result;
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const manager = this;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(context, () => fn.apply(this, args));
    } as unknown as T;
  }

  enable(): this {
    this.enabled = true;
    return this;
  }

  disable(): this {
    this.enabled = false;
    this.inFlight = 0;
    this.syncContext = undefined;
    this.storage.disable();
    return this;
  }

  private runSync<R>(context: Context, call: () => R): R {
    const outer = this.syncContext;
    this.syncContext = context;
    try {
      return call();
    } finally {
      this.syncContext = outer;
    }
  }

  private readonly settle = (): void => this.settled();

  private settled(): void {
    this.inFlight--;
    // The last sampled body settled: turn the hooks off until the next one.
    if (this.inFlight <= 0) {
      this.inFlight = 0;
      this.storage.disable();
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
