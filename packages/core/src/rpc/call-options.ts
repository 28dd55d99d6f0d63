import type { CallOptions as GrpcCallOptions, ClientUnaryCall, Metadata, ServiceError } from '@grpc/grpc-js';
import { withTraceContext } from '../tracing/client-context.js';
import { FlorinError, fromServiceError, invalidArgument } from '../errors.js';

/** Per-call options of every client method. */
export interface CallOptions {
  /** Time the call may take, in ms. Default: the client's limits.defaultDeadlineMs. */
  deadlineMs?: number;
  /** Aborting cancels the call; it then rejects with CANCELLED (or the signal's FlorinError reason). */
  signal?: AbortSignal;
}

/** The gRPC options of one call: an absolute deadline. */
export function grpcCallOptions(options: CallOptions | undefined, defaultDeadlineMs: number): GrpcCallOptions {
  const ms = options?.deadlineMs ?? defaultDeadlineMs;
  if (!Number.isFinite(ms) || ms <= 0) throw invalidArgument(`deadlineMs must be a positive number of milliseconds, got ${String(ms)}`);
  return { deadline: Date.now() + ms };
}

/** The error a call aborted by `signal` rejects with. */
export function abortError(signal: AbortSignal): FlorinError {
  const reason: unknown = signal.reason;
  if (reason instanceof FlorinError) return reason;
  return new FlorinError('CANCELLED', 'call cancelled by the caller', { cause: reason });
}

/** Cancels `call` when `signal` fires; returns the function that detaches the listener. */
export function cancelOnAbort(call: { cancel(): void }, signal: AbortSignal | undefined): () => void {
  if (!signal) return () => undefined;
  const onAbort = (): void => call.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/** A unary method of a grpc-js service stub. */
export type UnaryMethod<Req, Res> = (
  request: Req,
  options: GrpcCallOptions,
  callback: (err: ServiceError | null, response?: Res) => void,
) => ClientUnaryCall;

/** Runs one unary call as a promise; gRPC errors become FlorinErrors with status and message kept. */
export function unaryCall<Req, Res>(
  method: UnaryMethod<Req, Res>,
  request: Req,
  options: CallOptions | undefined,
  defaultDeadlineMs: number,
): Promise<Res> {
  const signal = options?.signal;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<Res>((resolve, reject) => {
    let detach = (): void => undefined;
    const done = (err: ServiceError | null, response?: Res): void => {
      detach();
      if (err) reject(signal?.aborted ? abortError(signal) : fromServiceError(err));
      else resolve(response as Res);
    };
    // Inside a recording span, the call carries its traceparent (grpc-js' metadata overload).
    const metadata = withTraceContext();
    const callOptions = grpcCallOptions(options, defaultDeadlineMs);
    const call = metadata
      ? (method as unknown as (r: Req, m: Metadata, o: GrpcCallOptions, cb: typeof done) => ClientUnaryCall)(request, metadata, callOptions, done)
      : method(request, callOptions, done);
    detach = cancelOnAbort(call, signal);
  });
}
