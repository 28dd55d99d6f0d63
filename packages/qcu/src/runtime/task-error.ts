import { FlorinError } from '@florin/core';

/**
 * Thrown by a unit for a failure that retrying cannot fix (bad input, a bug
 * that always recurs): the task fails at once and so does its job.
 */
export class PermanentTaskError extends Error {
  override readonly name = 'PermanentTaskError';
}

// PERMISSION_DENIED: a write outside the lease's grant (another dataset, another job's output, a symbol not leased) fails again.
const PERMANENT_CODES = new Set(['INVALID_ARGUMENT', 'NOT_FOUND', 'ALREADY_EXISTS', 'FAILED_PRECONDITION', 'PERMISSION_DENIED']);

/**
 * Whether a unit's error is worth another attempt. Permanent: a
 * PermanentTaskError, or a FlorinError for bad input (INVALID_ARGUMENT,
 * NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION) or a write refused by the
 * lease's grant (PERMISSION_DENIED). Everything else (a plain
 * Error from unit code, UNAVAILABLE, DEADLINE_EXCEEDED, ...) is retried.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof PermanentTaskError) return false;
  if (err instanceof FlorinError) return !PERMANENT_CODES.has(err.code);
  return true;
}

/** The message and stack reported for a failed task (never empty). */
export function describeError(err: unknown): { error: string; stack: string } {
  if (err instanceof Error) {
    const code = err instanceof FlorinError ? `${err.code}: ` : '';
    return { error: `${code}${err.message || err.name || 'error'}`, stack: err.stack ?? '' };
  }
  return { error: `non-Error thrown: ${safeString(err)}`, stack: '' };
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
