import type { ServerWritableStream } from '@grpc/grpc-js';
import { drained } from './abort.js';
import { callDeadline, callSignal, throwIfAborted } from './deadline.js';
import { toServiceError } from './errors.js';

/**
 * Serves one server-streaming call: `body` writes the messages (with
 * writeOrWait, honouring backpressure) under a signal that fires when the
 * caller cancels or the deadline (the caller's, else now + defaultDeadlineMs)
 * passes; then the stream ends OK. A failure becomes the call's status, and
 * the abort reason wins once the signal fired. A cancelled call has nobody
 * left to tell; grpc-js has already answered an expired one.
 */
export async function serveStream<Req, Res>(
  call: ServerWritableStream<Req, Res>,
  defaultDeadlineMs: number,
  body: (signal: AbortSignal, deadlineAt: number) => Promise<void>,
): Promise<void> {
  const deadlineAt = callDeadline(call, defaultDeadlineMs);
  const { signal, dispose } = callSignal(call, deadlineAt);
  try {
    await body(signal, deadlineAt);
    throwIfAborted(signal);
    call.end();
  } catch (err) {
    if (!call.cancelled) call.emit('error', toServiceError(signal.aborted ? signal.reason : err));
  } finally {
    dispose();
  }
}

/** Writes `message` unless the signal fired; waits for 'drain' when the stream's buffer is full. */
export async function writeOrWait<Res>(call: ServerWritableStream<unknown, Res>, message: Res, signal: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  if (!call.write(message)) await drained(call, signal);
}
