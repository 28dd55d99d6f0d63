import { TraceFlags, type Context } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BatchSpanProcessor, type ReadableSpan, type Span, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Spans that never reached the collector: queue full, or their export failed or timed out. */
export interface DropCounter {
  readonly dropped: number;
}

/**
 * A BatchSpanProcessor with a bounded queue that counts what it loses. A span ended while
 * `maxQueueSize` spans wait is dropped at once (the caller never waits on export); a batch
 * whose export fails (collector down, unreachable, too slow) counts as dropped too.
 */
export class DropCountingSpanProcessor implements SpanProcessor, DropCounter {
  private waiting = 0;
  private droppedSpans = 0;
  private readonly batch: BatchSpanProcessor;

  constructor(
    exporter: SpanExporter,
    private readonly config: { maxQueueSize: number; maxExportBatchSize: number; scheduledDelayMs: number; exportTimeoutMs: number },
  ) {
    this.batch = new BatchSpanProcessor(new CountingExporter(exporter, this), {
      // One more than we admit, so the batch processor itself never drops uncounted.
      maxQueueSize: config.maxQueueSize + 1,
      maxExportBatchSize: Math.min(config.maxExportBatchSize, config.maxQueueSize),
      scheduledDelayMillis: config.scheduledDelayMs,
      exportTimeoutMillis: config.exportTimeoutMs,
    });
  }

  get dropped(): number {
    return this.droppedSpans;
  }

  onStart(span: Span, parentContext: Context): void {
    this.batch.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.waiting >= this.config.maxQueueSize) {
      this.droppedSpans++;
      return;
    }
    this.waiting++;
    this.batch.onEnd(span);
  }

  /** Called by the exporter wrapper: `n` spans left the queue. */
  taken(n: number): void {
    this.waiting = Math.max(0, this.waiting - n);
  }

  /** Called by the exporter wrapper: `n` spans were not delivered. */
  lost(n: number): void {
    this.droppedSpans += n;
  }

  forceFlush(): Promise<void> {
    return this.batch.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.batch.shutdown();
  }
}

class CountingExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly counter: DropCountingSpanProcessor,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.counter.taken(spans.length);
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.counter.lost(spans.length);
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
