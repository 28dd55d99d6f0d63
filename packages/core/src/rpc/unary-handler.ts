import type { handleUnaryCall, ServerUnaryCall } from '@grpc/grpc-js';
import { callDeadline, callSignal } from '../deadline.js';
import { FlorinError, isServiceError, toServiceError } from '../errors.js';

/** What a unary implementation gets besides its request. */
export interface UnaryCallContext {
  /** The absolute deadline (epoch ms) to honour: the caller's, else now + defaultDeadlineMs. */
  readonly deadlineAt: number;
  /**
   * Fires when the client cancels the call or the deadline passes (its reason
   * a FlorinError, CANCELLED or DEADLINE_EXCEEDED). Made on first use.
   */
  readonly signal: AbortSignal;
  /** The grpc-js call (metadata, peer). */
  readonly call: ServerUnaryCall<unknown, unknown>;
}

export interface UnaryHandlerOptions {
  /** The deadline of a call whose client sent none. */
  defaultDeadlineMs: number;
  /** Told about every error that is neither a FlorinError nor an upstream gRPC error (answered as INTERNAL). */
  onUnexpected?: (err: unknown) => void;
}

/**
 * The grpc-js unary handler of an async implementation, the one adapter of
 * every Florin server: the implementation's answer goes to the client; what it
 * throws (or rejects with) is answered by toServiceError: a FlorinError keeps
 * its status and message, an upstream gRPC error passes through, anything
 * else is INTERNAL with no message or stack of ours, and goes to onUnexpected.
 */
export function unaryHandler<Req, Res>(
  serve: (request: Req, context: UnaryCallContext) => Promise<Res>,
  options: UnaryHandlerOptions,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const context = new CallContext(call, callDeadline(call, options.defaultDeadlineMs));
    let answer: Promise<Res>;
    try {
      answer = serve(call.request, context);
    } catch (err) {
      answer = Promise.reject(err);
    }
    answer.then(
      (response) => {
        context.dispose();
        callback(null, response);
      },
      (err: unknown) => {
        context.dispose();
        if (!(err instanceof FlorinError) && !isServiceError(err)) options.onUnexpected?.(err);
        callback(toServiceError(err));
      },
    );
  };
}

class CallContext implements UnaryCallContext {
  private made: { signal: AbortSignal; dispose: () => void } | undefined;

  constructor(
    readonly call: ServerUnaryCall<unknown, unknown>,
    readonly deadlineAt: number,
  ) {}

  get signal(): AbortSignal {
    this.made ??= callSignal(this.call, this.deadlineAt);
    return this.made.signal;
  }

  dispose(): void {
    this.made?.dispose();
  }
}
