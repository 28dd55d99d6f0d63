import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';
import { invalidArgument } from './errors.js';
import { traceLogFields } from './tracing/spans.js';

export type { Logger } from 'pino';

export const LOG_LEVELS: readonly LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export interface LoggerOptions {
  /** Default: FLORIN_LOG_LEVEL, else 'info'. */
  level?: string;
  /** Where lines go. Default: stderr (pretty through pino-pretty when stderr is a terminal, JSON otherwise). */
  destination?: DestinationStream;
}

/** A log level from a flag or FLORIN_LOG_LEVEL, refused with the valid choices when unknown. */
export function logLevel(value: string | undefined = process.env['FLORIN_LOG_LEVEL']): LevelWithSilent {
  const level = (value ?? 'info').trim().toLowerCase();
  if (level === '') return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw invalidArgument(`log level ${JSON.stringify(value)} is not one of ${LOG_LEVELS.join(', ')}`);
  }
  return level as LevelWithSilent;
}

/** Where every log line also goes while telemetry runs (set by @florin/telemetry: OTLP log export). */
let logSink: ((line: string) => void) | undefined;

/** Sends each JSON log line written from now on to `sink` as well (undefined stops it). Telemetry sets it. */
export function setLogSink(sink: ((line: string) => void) | undefined): void {
  logSink = sink;
}

/** A destination that writes each line to `inner` and, while a sink is set, hands it to the sink (same call: the active span is the caller's). */
function teeDestination(inner: DestinationStream): DestinationStream {
  return {
    write(line: string): void {
      inner.write(line);
      if (logSink) {
        try {
          logSink(line);
        } catch {
          // Exporting a log line must never fail the caller.
        }
      }
    },
  };
}

/**
 * The one logger of every Florin process: pino, one JSON object per line on
 * stderr (written synchronously, so a line logged just before exit is not
 * lost), `name` naming the part that logs, the message under `message`, and
 * the active span's trace_id/span_id when telemetry is on. Pretty-printed only
 * when stderr is a terminal.
 */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const config = {
    name,
    level: logLevel(options.level),
    messageKey: 'message',
    mixin: traceLogFields,
  };
  if (options.destination) return pino(config, teeDestination(options.destination));
  if (process.stderr.isTTY) {
    return pino({ ...config, transport: { target: 'pino-pretty', options: { destination: 2, messageKey: 'message' } } });
  }
  return pino(config, teeDestination(pino.destination({ dest: 2, sync: true })));
}
