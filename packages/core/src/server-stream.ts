import type { ServerWritableStream } from '@grpc/grpc-js';
import { drained } from './abort.js';
import { callDeadline, callSignal, throwIfAborted } from './deadline.js';
import { toServiceError } from './errors.js';
import { traceServerCall } from './tracing/server-call.js';

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
  // One SERVER span per stream (continuing the caller's traceparent); its status is the stream's.
  // The failure was answered as the call's status already; the span recorded its code.
  return traceServerCall(call.getPath(), call.metadata, () => serve(call, defaultDeadlineMs, body)).catch(() => undefined);
}

async function serve<Req, Res>(
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
    const status = toServiceError(signal.aborted ? signal.reason : err);
    if (!call.cancelled) call.emit('error', status);
    throw status;
  } finally {
    dispose();
  }
}

/** Writes `message` unless the signal fired; waits for 'drain' when the stream's buffer is full. */
export async function writeOrWait<Res>(call: ServerWritableStream<unknown, Res>, message: Res, signal: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  if (!call.write(message)) await drained(call, signal);
}
