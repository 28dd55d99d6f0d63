import { metrics, type Attributes, type Counter, type Histogram, type MeterProvider, type MetricOptions } from '@opentelemetry/api';
import { TELEMETRY_SCOPE } from './server-call.js';

/**
 * An instrument of the global MeterProvider as it is now: made again when the SDK is (re)started
 * (the global API reset), a no-op before. Roles record through these without depending on the SDK.
 */
class LazyInstrument<T> {
  private cache: { provider: MeterProvider; instrument: T } | undefined;

  constructor(private readonly make: (provider: MeterProvider) => T) {}

  get(): T {
    const provider = metrics.getMeterProvider();
    if (this.cache?.provider !== provider) this.cache = { provider, instrument: this.make(provider) };
    return this.cache.instrument;
  }
}

/** A monotonic counter of the global MeterProvider (scope @florin/core). */
export class FlorinCounter {
  private readonly lazy: LazyInstrument<Counter>;

  constructor(name: string, options: MetricOptions) {
    this.lazy = new LazyInstrument((p) => p.getMeter(TELEMETRY_SCOPE).createCounter(name, options));
  }

  add(value: number, attributes?: Attributes): void {
    this.lazy.get().add(value, attributes);
  }
}

/** A histogram of the global MeterProvider (scope @florin/core). */
export class FlorinHistogram {
  private readonly lazy: LazyInstrument<Histogram>;

  constructor(name: string, options: MetricOptions) {
    this.lazy = new LazyInstrument((p) => p.getMeter(TELEMETRY_SCOPE).createHistogram(name, options));
  }

  record(value: number, attributes?: Attributes): void {
    this.lazy.get().record(value, attributes);
  }
}
