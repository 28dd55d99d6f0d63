import type { CallOptions as GrpcCallOptions, ClientReadableStream } from '@grpc/grpc-js';
import { Backoff, FlorinError, fromServiceError, sleepUnlessAborted } from '@florin/core';
import { abortError, cancelOnAbort } from '@florin/core';
import { jobFromMessage, type JobEvent } from './job-types.js';
import type { JobEventMessage, WatchJobRequestInput } from '@florin/core';

export type WatchMethod = (request: WatchJobRequestInput, options?: GrpcCallOptions) => ClientReadableStream<JobEventMessage>;

export interface WatchOptions {
  signal?: AbortSignal;
  /**
   * Re-watch when the coordinator is unavailable (restarting, draining), with
   * backoff from 100 ms to 2 s, for at most this long in total. Default 60,000 ms; 0 disables.
   */
  reconnectForMs?: number;
}

const RECONNECT_BACKOFF = { initialMs: 100, maxMs: 2_000 };

/** One Watch call as an async iterator of events; errors become FlorinErrors. */
async function* watchOnce(method: WatchMethod, jobId: string, signal: AbortSignal | undefined): AsyncGenerator<JobEvent> {
  const call = method({ jobId });
  const detach = cancelOnAbort(call, signal);
  // Only the initial snapshot carries the universe (it never changes): later events get it from there.
  let universe: string[] | undefined;
  try {
    for await (const message of call as AsyncIterable<JobEventMessage>) {
      const job = jobFromMessage(message.job);
      if (job.symbols.length > 0) universe = job.symbols;
      else if (universe && universe.length === job.symbolCount) job.symbols = universe;
      yield { job, initial: message.initial, terminal: message.terminal, tasks: message.tasks.map((t) => ({ ...t })), progress: message.progress };
    }
  } catch (err) {
    throw signal?.aborted ? abortError(signal) : fromServiceError(err);
  } finally {
    detach();
    call.cancel();
  }
}

/**
 * Job events until the terminal one: a snapshot first, then changes. When the
 * coordinator becomes unavailable the watch is re-opened (a new snapshot
 * follows), so a coordinator restart does not end it.
 */
export async function* watchJobEvents(method: WatchMethod, jobId: string, options: WatchOptions = {}): AsyncGenerator<JobEvent> {
  const { signal } = options;
  const budgetMs = options.reconnectForMs ?? 60_000;
  let unavailableSince: number | undefined;
  const backoff = new Backoff(RECONNECT_BACKOFF);
  for (;;) {
    if (signal?.aborted) throw abortError(signal);
    try {
      for await (const event of watchOnce(method, jobId, signal)) {
        unavailableSince = undefined;
        backoff.reset();
        yield event;
        if (event.terminal) return;
      }
      throw new FlorinError('UNAVAILABLE', `the watch of job ${jobId} ended before the job finished`);
    } catch (err) {
      if (!(err instanceof FlorinError) || err.code !== 'UNAVAILABLE' || budgetMs === 0) throw err;
      unavailableSince ??= Date.now();
      if (Date.now() - unavailableSince > budgetMs) throw err;
      // A ref'd timer: the caller awaits this watch, and nothing else may keep the process alive meanwhile.
      await sleepUnlessAborted(backoff.next(), signal, { ref: true });
    }
  }
}
