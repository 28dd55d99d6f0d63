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
  if (options.destination) return pino(config, options.destination);
  if (process.stderr.isTTY) {
    return pino({ ...config, transport: { target: 'pino-pretty', options: { destination: 2, messageKey: 'message' } } });
  }
  return pino(config, pino.destination({ dest: 2, sync: true }));
}
