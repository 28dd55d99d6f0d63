import { FlorinError } from '@florin/core';

/** An error from the Cloud Map API as the SDK throws it. */
interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

const THROTTLING = new Set(['ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'Throttling', 'RequestThrottled']);
const PERMANENT = new Set(['NamespaceNotFound', 'ServiceNotFound', 'InvalidInput', 'AccessDeniedException', 'UnrecognizedClientException']);

export function errorName(err: unknown): string {
  return (err as SdkError | undefined)?.name ?? 'Error';
}

export function isThrottling(err: unknown): boolean {
  const e = err as SdkError | undefined;
  return THROTTLING.has(errorName(err)) || e?.$metadata?.httpStatusCode === 429 || e?.$retryable?.throttling === true;
}

/** Errors retrying cannot fix (ours, already translated, or the API's not-found and invalid-input answers). */
export function isPermanent(err: unknown): boolean {
  if (err instanceof FlorinError) return err.code === 'NOT_FOUND' || err.code === 'INVALID_ARGUMENT' || err.code === 'FAILED_PRECONDITION';
  return PERMANENT.has(errorName(err));
}

/**
 * Translates an API error into a FlorinError naming what was asked for:
 * unknown namespace or service -> NOT_FOUND, invalid input -> INVALID_ARGUMENT,
 * throttling -> RESOURCE_EXHAUSTED, anything else -> UNAVAILABLE.
 */
export function cloudMapError(err: unknown, what: { operation: string; namespace: string; service?: string; ownerAccount?: string }): FlorinError {
  if (err instanceof FlorinError) return err;
  const name = errorName(err);
  const detail = (err as SdkError | undefined)?.message ?? String(err);
  const owner = what.ownerAccount ? ` owned by account ${what.ownerAccount}` : '';
  switch (name) {
    case 'NamespaceNotFound':
      return new FlorinError('NOT_FOUND', `Cloud Map namespace '${what.namespace}'${owner} not found (${what.operation}: ${detail})`, { cause: err });
    case 'ServiceNotFound':
      return new FlorinError('NOT_FOUND', `Cloud Map service '${what.service ?? '?'}' not found in namespace '${what.namespace}'${owner} (${what.operation}: ${detail})`, { cause: err });
    case 'InvalidInput':
      return new FlorinError('INVALID_ARGUMENT', `Cloud Map rejected ${what.operation}${what.service ? ` for '${what.service}'` : ''}: ${detail}`, { cause: err });
    default: {
      const status = (err as SdkError | undefined)?.$metadata?.httpStatusCode;
      const code = isThrottling(err) ? 'RESOURCE_EXHAUSTED' : 'UNAVAILABLE';
      return new FlorinError(code, `Cloud Map ${what.operation}${what.service ? ` of '${what.service}'` : ''} failed: ${name}${status ? ` (HTTP ${status})` : ''}: ${detail}`, { cause: err });
    }
  }
}
