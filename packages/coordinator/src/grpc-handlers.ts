import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { FlorinError, isServiceError, toServiceError } from '@florin/core';

/**
 * A grpc-js unary handler from an async function. FlorinErrors keep their
 * status and message; anything else is INTERNAL without details, and is
 * reported to `onUnexpected` (the coordinator's background error sink).
 */
export function unaryHandler<Req, Res>(
  fn: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
  onUnexpected: (err: unknown) => void,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    fn(call.request, call).then(
      (response) => callback(null, response),
      (err: unknown) => {
        if (!(err instanceof FlorinError) && !isServiceError(err)) onUnexpected(err);
        callback(toServiceError(err));
      },
    );
  };
}
