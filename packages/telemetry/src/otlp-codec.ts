import { createRequire } from 'node:module';

/**
 * The OTLP request decoders: the protobufjs code @opentelemetry/otlp-transformer generates from
 * the opentelemetry-proto definitions (the same package our exporters encode with).
 */
interface Decoder {
  decode(bytes: Uint8Array): unknown;
}
interface GeneratedRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: Decoder } };
        metrics: { v1: { ExportMetricsServiceRequest: Decoder } };
        logs: { v1: { ExportLogsServiceRequest: Decoder } };
      };
    };
  };
}

const require = createRequire(import.meta.url);
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js') as GeneratedRoot;
const collector = root.opentelemetry.proto.collector;

export const decodeTraceRequest = (bytes: Uint8Array): TraceRequest => collector.trace.v1.ExportTraceServiceRequest.decode(bytes) as TraceRequest;
export const decodeMetricsRequest = (bytes: Uint8Array): MetricsRequest => collector.metrics.v1.ExportMetricsServiceRequest.decode(bytes) as MetricsRequest;
export const decodeLogsRequest = (bytes: Uint8Array): LogsRequest => collector.logs.v1.ExportLogsServiceRequest.decode(bytes) as LogsRequest;

/** A protobufjs 64-bit integer: a number, or a Long-like {low, high}. */
export type Int64 = number | { low: number; high: number; unsigned?: boolean };

export interface AnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64 | null;
  doubleValue?: number | null;
  arrayValue?: { values?: AnyValue[] } | null;
  kvlistValue?: { values?: KeyValue[] } | null;
  bytesValue?: Uint8Array | null;
}
export interface KeyValue {
  key: string;
  value?: AnyValue | null;
}
interface Resource {
  attributes?: KeyValue[];
}
interface Scope {
  name?: string;
}
export interface OtlpSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId?: Uint8Array;
  name: string;
  kind?: number;
  startTimeUnixNano: Int64;
  endTimeUnixNano: Int64;
  attributes?: KeyValue[];
  status?: { code?: number; message?: string };
}
export interface TraceRequest {
  resourceSpans?: { resource?: Resource; scopeSpans?: { scope?: Scope; spans?: OtlpSpan[] }[] }[];
}
export interface NumberDataPoint {
  attributes?: KeyValue[];
  timeUnixNano: Int64;
  asDouble?: number | null;
  asInt?: Int64 | null;
}
export interface HistogramDataPoint {
  attributes?: KeyValue[];
  timeUnixNano: Int64;
  count: Int64;
  sum?: number | null;
  bucketCounts?: Int64[];
  explicitBounds?: number[];
}
export interface OtlpMetric {
  name: string;
  unit?: string;
  sum?: { dataPoints?: NumberDataPoint[] } | null;
  gauge?: { dataPoints?: NumberDataPoint[] } | null;
  histogram?: { dataPoints?: HistogramDataPoint[] } | null;
}
export interface MetricsRequest {
  resourceMetrics?: { resource?: Resource; scopeMetrics?: { scope?: Scope; metrics?: OtlpMetric[] }[] }[];
}
export interface OtlpLogRecord {
  timeUnixNano?: Int64;
  severityText?: string;
  severityNumber?: number;
  body?: AnyValue | null;
  attributes?: KeyValue[];
  traceId?: Uint8Array;
  spanId?: Uint8Array;
}
export interface LogsRequest {
  resourceLogs?: { resource?: Resource; scopeLogs?: { scope?: Scope; logRecords?: OtlpLogRecord[] }[] }[];
}

/** A protobufjs 64-bit value as a JavaScript number (exact below 2^53). */
export function int64(value: Int64 | null | undefined): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  const big = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return Number(value.unsigned ? big : BigInt.asIntN(64, big));
}

export type AttributeValue = string | number | boolean | AttributeValue[] | { [key: string]: AttributeValue } | null;

export function anyValue(value: AnyValue | null | undefined): AttributeValue {
  if (!value) return null;
  if (value.stringValue !== undefined && value.stringValue !== null) return value.stringValue;
  if (value.boolValue !== undefined && value.boolValue !== null) return value.boolValue;
  if (value.intValue !== undefined && value.intValue !== null) return int64(value.intValue);
  if (value.doubleValue !== undefined && value.doubleValue !== null) return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(anyValue);
  if (value.kvlistValue) return attributes(value.kvlistValue.values);
  if (value.bytesValue) return Buffer.from(value.bytesValue).toString('base64');
  return null;
}

export function attributes(list: KeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

export const hex = (bytes: Uint8Array | undefined): string => (bytes && bytes.length > 0 ? Buffer.from(bytes).toString('hex') : '');
