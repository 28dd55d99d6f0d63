import type { ServerWritableStream } from '@grpc/grpc-js';
import { blockOverhead, drained, throwIfAborted, type OutgoingReadChunk } from '@florin/core';
import type { InflightBudget } from './inflight-budget.js';

/**
 * Writes a read's ReadChunks to its call under the head's answer budget: each
 * message takes its bytes from `budget` before it is serialized and gives them
 * back once grpc-js has handed it to the connection (the write's callback), so
 * the serialized answers a head holds for slow or many readers stay under the
 * budget however many reads are being answered (past it, messages wait FIFO;
 * a message larger than the whole budget goes alone). Backpressure of the call
 * itself is honoured too. Bytes of a message whose write never completes (the
 * call was cancelled or failed) come back when the call closes, the signal
 * fires, or at the latest at the call's deadline.
 */
export async function writeAnswer(
  call: ServerWritableStream<unknown, OutgoingReadChunk>,
  chunks: Iterable<OutgoingReadChunk>,
  budget: InflightBudget,
  signal: AbortSignal,
  deadlineAt: number,
): Promise<void> {
  const pending = new Set<() => void>();
  // Set once the writes are queued, when some are still pending (the last resort below).
  const last: { timer?: NodeJS.Timeout } = {};
  const releaseAll = (): void => {
    for (const release of pending) release();
    pending.clear();
    if (last.timer) clearTimeout(last.timer);
    call.removeListener('close', releaseAll);
    signal.removeEventListener('abort', releaseAll);
  };
  call.once('close', releaseAll);
  signal.addEventListener('abort', releaseAll, { once: true });
  try {
    for (const chunk of chunks) {
      throwIfAborted(signal);
      const release = await budget.acquire(chunkBytes(chunk), signal);
      pending.add(release);
      const written = call.write(chunk, () => {
        release();
        pending.delete(release);
        if (pending.size === 0 && last.timer) clearTimeout(last.timer);
      });
      if (!written) await drained(call, signal);
    }
  } catch (err) {
    releaseAll();
    throw err;
  }
  if (pending.size === 0) {
    releaseAll();
    return;
  }
  // Messages still queued in grpc-js: their callbacks give the bytes back; the deadline is the last resort.
  last.timer = setTimeout(releaseAll, Math.max(0, deadlineAt - Date.now()));
  last.timer.unref();
}

/** About the bytes one ReadChunk takes on the wire: its rows and each block's overhead. */
export function chunkBytes(chunk: OutgoingReadChunk): number {
  let bytes = 0;
  for (const block of chunk.blocks) {
    bytes += blockOverhead(block.symbol, chunk.fields.length);
    for (const piece of block.pieces) {
      bytes += piece.timestamps.byteLength;
      for (const column of piece.columns) bytes += column.byteLength;
    }
  }
  return bytes;
}
