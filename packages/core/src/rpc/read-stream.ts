import type { ClientReadableStream } from '@grpc/grpc-js';
import { fromServiceError } from '../errors.js';
import type { SeriesFrame } from '../frame.js';
import type { ReadChunkMessage } from '../wire.js';
import { abortError, cancelOnAbort } from './call-options.js';
import { SeriesAssembler } from './series-assembler.js';

/**
 * Consumes a Read stream into one frame per requested symbol, in request
 * order. Rejects with the call's status as a FlorinError, with the signal's
 * reason when the caller aborted, or INTERNAL when the stream is malformed
 * (the call is then cancelled). `shareMessages`: frames may be views of
 * messages other frames of the read share (SeriesAssembler).
 */
export function collectReadStream(
  call: ClientReadableStream<ReadChunkMessage>,
  symbols: readonly string[],
  requestedFields: readonly string[],
  signal: AbortSignal | undefined,
  shareMessages = false,
): Promise<SeriesFrame[]> {
  const assembler = new SeriesAssembler(symbols, { shareMessages });
  return new Promise<SeriesFrame[]>((resolve, reject) => {
    let settled = false;
    const detach = cancelOnAbort(call, signal);
    const settle = (err: unknown, frames?: SeriesFrame[]): void => {
      if (settled) return;
      settled = true;
      detach();
      if (err === undefined) resolve(frames!);
      else reject(err);
    };
    call.on('data', (chunk: ReadChunkMessage) => {
      if (settled) return;
      try {
        assembler.add(chunk.fields, chunk.blocks);
      } catch (err) {
        settle(err);
        call.cancel();
      }
    });
    call.on('error', (err: unknown) => settle(signal?.aborted ? abortError(signal) : fromServiceError(err)));
    call.on('end', () => {
      try {
        settle(undefined, assembler.finish(requestedFields));
      } catch (err) {
        settle(err);
      }
    });
  });
}
