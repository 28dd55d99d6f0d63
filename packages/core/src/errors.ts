import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

/** The error codes Florin uses, each mapped to one gRPC status. */
export type FlorinErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'CANCELLED'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'UNIMPLEMENTED'
  | 'INTERNAL';

const CODE_TO_STATUS: Record<FlorinErrorCode, status> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  RESOURCE_EXHAUSTED: status.RESOURCE_EXHAUSTED,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  UNAVAILABLE: status.UNAVAILABLE,
  DEADLINE_EXCEEDED: status.DEADLINE_EXCEEDED,
  CANCELLED: status.CANCELLED,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  UNIMPLEMENTED: status.UNIMPLEMENTED,
  INTERNAL: status.INTERNAL,
};

const STATUS_TO_CODE = new Map<number, FlorinErrorCode>(
  Object.entries(CODE_TO_STATUS).map(([code, s]) => [s, code as FlorinErrorCode]),
);

/**
 * An error whose message is safe to show to a client. Anything thrown that is
 * not a FlorinError becomes INTERNAL at the gRPC boundary, without its stack.
 */
export class FlorinError extends Error {
  override readonly name = 'FlorinError';
  constructor(
    readonly code: FlorinErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get grpcStatus(): status {
    return CODE_TO_STATUS[this.code];
  }
}

export const invalidArgument = (message: string): FlorinError => new FlorinError('INVALID_ARGUMENT', message);
export const notFound = (message: string): FlorinError => new FlorinError('NOT_FOUND', message);
export const resourceExhausted = (message: string): FlorinError => new FlorinError('RESOURCE_EXHAUSTED', message);
export const failedPrecondition = (message: string): FlorinError => new FlorinError('FAILED_PRECONDITION', message);
export const unauthenticated = (message: string): FlorinError => new FlorinError('UNAUTHENTICATED', message);
export const permissionDenied = (message: string): FlorinError => new FlorinError('PERMISSION_DENIED', message);
export const unavailable = (message: string, cause?: unknown): FlorinError =>
  new FlorinError('UNAVAILABLE', message, { cause });

/** Converts anything thrown into a gRPC ServiceError-shaped object for `callback(err)` / `call.destroy(err)`. */
export function toServiceError(err: unknown): Partial<ServiceError> & { code: status; details: string } {
  if (err instanceof FlorinError) {
    const details = wellFormed(err.message);
    return { name: err.name, message: details, code: err.grpcStatus, details, metadata: new Metadata() };
  }
  if (isServiceError(err)) {
    // An upstream gRPC error passed through faithfully.
    const details = wellFormed(err.details);
    return { name: 'Error', message: details, code: err.code, details, metadata: new Metadata() };
  }
  return { name: 'Error', message: 'internal error', code: status.INTERNAL, details: 'internal error', metadata: new Metadata() };
}

/**
 * A status message grpc-js can send: it percent-encodes details with
 * encodeURI, which throws on a lone surrogate (a message echoing a hostile
 * name crashed the process); those become U+FFFD.
 */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Converts a gRPC ServiceError received by a client into a FlorinError (keeps the status and message). */
export function fromServiceError(err: unknown): FlorinError {
  if (err instanceof FlorinError) return err;
  if (isServiceError(err)) {
    const code = STATUS_TO_CODE.get(err.code) ?? (err.code === status.UNKNOWN ? 'INTERNAL' : 'UNAVAILABLE');
    return new FlorinError(code, err.details || err.message, { cause: err });
  }
  return new FlorinError('INTERNAL', err instanceof Error ? err.message : String(err), { cause: err });
}

export function isServiceError(err: unknown): err is ServiceError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as ServiceError).code === 'number' &&
    typeof (err as ServiceError).details === 'string'
  );
}

export function grpcStatusOf(code: FlorinErrorCode): status {
  return CODE_TO_STATUS[code];
}
