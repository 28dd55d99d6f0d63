import {
  attributes,
  hex,
  int64,
  anyValue,
  type AttributeValue,
  type LogsRequest,
  type MetricsRequest,
  type NumberDataPoint,
  type TraceRequest,
} from './otlp-codec.js';

export type Attributes = Record<string, AttributeValue>;

/** One span as a collector received it. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly startMs: number;
  readonly durationMs: number;
  readonly attributes: Attributes;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly resource: Attributes;
  readonly scope: string;
}

/** The latest point of one metric stream (name + resource instance + attributes), cumulative as sent. */
export interface ReceivedPoint {
  readonly name: string;
  readonly unit: string;
  readonly kind: 'sum' | 'gauge' | 'histogram';
  /** Sum or gauge value; a histogram's sum. */
  readonly value: number;
  /** Histogram only. */
  readonly count: number;
  readonly bucketCounts: readonly number[];
  readonly explicitBounds: readonly number[];
  readonly timeMs: number;
  readonly attributes: Attributes;
  readonly resource: Attributes;
  /** The stream's point before this one (rates and recent percentiles are the difference). */
  readonly previous?: { readonly value: number; readonly count: number; readonly bucketCounts: readonly number[]; readonly timeMs: number };
}

export interface ReceivedLog {
  readonly timeMs: number;
  readonly severityText: string;
  readonly body: AttributeValue;
  readonly attributes: Attributes;
  readonly traceId: string;
  readonly spanId: string;
  readonly resource: Attributes;
}

/** True when every key of `subset` has the same value in `attrs`. */
export function matches(attrs: Attributes, subset: Attributes | undefined): boolean {
  if (!subset) return true;
  for (const [key, value] of Object.entries(subset)) if (attrs[key] !== value) return false;
  return true;
}

const nsToMs = (ns: number): number => ns / 1e6;

/**
 * What a receiver keeps: spans and log records (the newest `capacity` of each) and the latest
 * point of every metric stream.
 */
export class OtlpStore {
  private spanList: ReceivedSpan[] = [];
  private logList: ReceivedLog[] = [];
  private readonly points = new Map<string, ReceivedPoint>();
  private requests = { traces: 0, metrics: 0, logs: 0 };

  constructor(private readonly capacity = 200_000) {}

  addTraces(request: TraceRequest): void {
    this.requests.traces++;
    for (const rs of request.resourceSpans ?? []) {
      const resource = attributes(rs.resource?.attributes);
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          const start = int64(s.startTimeUnixNano);
          this.spanList.push({
            traceId: hex(s.traceId),
            spanId: hex(s.spanId),
            parentSpanId: hex(s.parentSpanId),
            name: s.name,
            kind: s.kind ?? 0,
            startMs: nsToMs(start),
            durationMs: nsToMs(int64(s.endTimeUnixNano) - start),
            attributes: attributes(s.attributes),
            statusCode: s.status?.code ?? 0,
            resource,
            scope: ss.scope?.name ?? '',
          });
        }
      }
    }
    if (this.spanList.length > this.capacity) this.spanList = this.spanList.slice(-this.capacity);
  }

  addMetrics(request: MetricsRequest): void {
    this.requests.metrics++;
    for (const rm of request.resourceMetrics ?? []) {
      const resource = attributes(rm.resource?.attributes);
      const instance = `${JSON.stringify(resource['service.name'])}\0${JSON.stringify(resource['service.instance.id'])}`;
      for (const sm of rm.scopeMetrics ?? []) {
        for (const m of sm.metrics ?? []) {
          const unit = m.unit ?? '';
          const numbers = (kind: 'sum' | 'gauge', dps: NumberDataPoint[] | undefined): void => {
            for (const dp of dps ?? []) {
              const attrs = attributes(dp.attributes);
              const value = dp.asDouble ?? (dp.asInt !== undefined && dp.asInt !== null ? int64(dp.asInt) : 0);
              this.setPoint(instance, { name: m.name, unit, kind, value, count: 0, bucketCounts: [], explicitBounds: [], timeMs: nsToMs(int64(dp.timeUnixNano)), attributes: attrs, resource });
            }
          };
          if (m.sum) numbers('sum', m.sum.dataPoints);
          if (m.gauge) numbers('gauge', m.gauge.dataPoints);
          for (const dp of (m.histogram?.dataPoints ?? [])) {
            this.setPoint(instance, {
              name: m.name,
              unit,
              kind: 'histogram',
              value: dp.sum ?? 0,
              count: int64(dp.count),
              bucketCounts: (dp.bucketCounts ?? []).map(int64),
              explicitBounds: dp.explicitBounds ?? [],
              timeMs: nsToMs(int64(dp.timeUnixNano)),
              attributes: attributes(dp.attributes),
              resource,
            });
          }
        }
      }
    }
  }

  addLogs(request: LogsRequest): void {
    this.requests.logs++;
    for (const rl of request.resourceLogs ?? []) {
      const resource = attributes(rl.resource?.attributes);
      for (const sl of rl.scopeLogs ?? []) {
        for (const r of sl.logRecords ?? []) {
          this.logList.push({
            timeMs: nsToMs(int64(r.timeUnixNano)),
            severityText: r.severityText ?? '',
            body: anyValue(r.body),
            attributes: attributes(r.attributes),
            traceId: hex(r.traceId),
            spanId: hex(r.spanId),
            resource,
          });
        }
      }
    }
    if (this.logList.length > this.capacity) this.logList = this.logList.slice(-this.capacity);
  }

  private setPoint(instance: string, point: ReceivedPoint): void {
    const key = `${instance}\0${point.name}\0${JSON.stringify(point.attributes)}`;
    const before = this.points.get(key);
    const previous = before && before.timeMs < point.timeMs ? { value: before.value, count: before.count, bucketCounts: before.bucketCounts, timeMs: before.timeMs } : before?.previous;
    this.points.set(key, previous ? { ...point, previous } : point);
  }

  /** Export requests received per signal. */
  get requestCounts(): { traces: number; metrics: number; logs: number } {
    return { ...this.requests };
  }

  spans(filter?: { traceId?: string; name?: string; attributes?: Attributes }): ReceivedSpan[] {
    return this.spanList.filter(
      (s) => (filter?.traceId === undefined || s.traceId === filter.traceId) && (filter?.name === undefined || s.name === filter.name) && matches(s.attributes, filter?.attributes),
    );
  }

  /** The latest point of every stream named `name` whose attributes (and resource) contain the given ones. */
  metricPoints(name: string, filter?: { attributes?: Attributes; resource?: Attributes }): ReceivedPoint[] {
    const out: ReceivedPoint[] = [];
    for (const p of this.points.values()) if (p.name === name && matches(p.attributes, filter?.attributes) && matches(p.resource, filter?.resource)) out.push(p);
    return out;
  }

  /** Every stream's latest point. */
  allPoints(): ReceivedPoint[] {
    return [...this.points.values()];
  }

  logs(filter?: { traceId?: string }): ReceivedLog[] {
    return this.logList.filter((l) => filter?.traceId === undefined || l.traceId === filter.traceId);
  }

  clear(): void {
    this.spanList = [];
    this.logList = [];
    this.points.clear();
  }
}
