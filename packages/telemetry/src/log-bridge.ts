import { SeverityNumber, type Logger as OtelLogger } from '@opentelemetry/api-logs';
import type { AnyValue, AnyValueMap } from '@opentelemetry/api-logs';

/** pino's numeric levels -> OpenTelemetry severities. */
const SEVERITY: Readonly<Record<number, [SeverityNumber, string]>> = {
  10: [SeverityNumber.TRACE, 'TRACE'],
  20: [SeverityNumber.DEBUG, 'DEBUG'],
  30: [SeverityNumber.INFO, 'INFO'],
  40: [SeverityNumber.WARN, 'WARN'],
  50: [SeverityNumber.ERROR, 'ERROR'],
  60: [SeverityNumber.FATAL, 'FATAL'],
};

/** Fields every line has, carried elsewhere in the record (or by the resource). */
const SKIPPED = new Set(['level', 'time', 'message', 'msg', 'pid', 'hostname', 'trace_id', 'span_id', 'trace_flags']);

function attributeValue(value: unknown): AnyValue {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/**
 * Turns one of core's JSON log lines (pino, message under `message`) into an OTLP log record.
 * Emitted in the logging call itself, so the record carries the active span's trace and span ids.
 */
export function logLineEmitter(logger: OtelLogger): (line: string) => void {
  return (line) => {
    const record = JSON.parse(line) as Record<string, unknown>;
    const [severityNumber, severityText] = SEVERITY[Number(record['level'])] ?? [SeverityNumber.UNSPECIFIED, String(record['level'])];
    const attributes: AnyValueMap = {};
    for (const [key, value] of Object.entries(record)) if (!SKIPPED.has(key)) attributes[key === 'name' ? 'florin.logger' : key] = attributeValue(value);
    logger.emit({
      severityNumber,
      severityText,
      body: typeof record['message'] === 'string' ? record['message'] : '',
      attributes,
      ...(typeof record['time'] === 'number' ? { timestamp: record['time'] } : {}),
    });
  };
}
