import { FlorinError } from './errors.js';

/**
 * A sub-message field of an answer a client received. proto3 sub-messages
 * arrive null when the peer left them out (the generated Output types say
 * so); every Florin server sets the ones read through this, so a missing one
 * is a protocol error, reported as INTERNAL naming the field.
 */
export function answerField<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) throw new FlorinError('INTERNAL', `the server's answer has no ${field}`);
  return value;
}
