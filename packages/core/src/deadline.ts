import type { Deadline } from '@grpc/grpc-js';
import { FlorinError } from './errors.js';

/** The part of a grpc-js server call that deadlines and cancellation need. */
export interface CancellableCall {
  getDeadline(): Deadline;
  on(event: 'cancelled', listener: () => void): unknown;
  removeListener(event: 'cancelled', listener: () => void): unknown;
}

/**
 * The absolute deadline (epoch ms) a server should honour for `call`: the
 * caller's deadline if it sent one, otherwise now + defaultMs.
 */
export function callDeadline(call: CancellableCall, defaultMs: number): number {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : Number(d);
  return Number.isFinite(ms) && ms > 0 ? ms : Date.now() + defaultMs;
}

/** An AbortSignal that fires when the call is cancelled by the client or its deadline passes. */
export function callSignal(call: CancellableCall, deadlineMs: number): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onCancel = (): void => controller.abort(new FlorinError('CANCELLED', 'call cancelled by the client'));
  call.on('cancelled', onCancel);
  const timer = setTimeout(
    () => controller.abort(new FlorinError('DEADLINE_EXCEEDED', 'deadline exceeded while serving the call')),
    Math.max(0, deadlineMs - Date.now()),
  );
  timer.unref();
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      call.removeListener('cancelled', onCancel);
    },
  };
}

/** Throws the signal's reason if it has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw signal.reason instanceof Error ? signal.reason : new FlorinError('CANCELLED', 'aborted');
  }
}
