import { FlorinError, unavailable } from '@florin/core';

/** SQLSTATE classes and socket errors that mean the database cannot be reached or went away. */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3])/;
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE', 'EAI_AGAIN']);

/**
 * Maps an error from pg: lost or refused connections become UNAVAILABLE
 * (with `where` in the message), FlorinErrors pass through, anything else is
 * rethrown as is (it becomes INTERNAL at the gRPC boundary).
 */
export function mapPgError(err: unknown, where: string): unknown {
  if (err instanceof FlorinError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) {
    return unavailable(`PostgreSQL at ${where} is unavailable: ${message}`, err);
  }
  if (/timeout exceeded when trying to connect|Connection terminated/i.test(message)) {
    return unavailable(`PostgreSQL at ${where} is unavailable: ${message}`, err);
  }
  return err;
}
