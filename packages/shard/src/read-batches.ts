import { FlorinHistogram, frequencyMs, inChildSpan, rangeLength, rowBytes, untilAborted, type ReadQuery, type SeriesFrame } from '@florin/core';

/** Store latency: `db.client.operation.duration` (s) of the OpenTelemetry database semantic conventions, one point per store read. */
const storeReadDuration = new FlorinHistogram('db.client.operation.duration', { unit: 's', description: 'Duration of database client operations.' });

function timedStoreRead(store: Pick<Store, 'read'> & { readonly kind?: Store['kind'] }, read: () => Promise<SeriesFrame[]>): Promise<SeriesFrame[]> {
  const started = performance.now();
  const attributes = { 'db.system.name': store.kind === 'postgres' ? 'postgresql' : store.kind === 'duckdb' ? 'duckdb' : 'other_sql', 'db.operation.name': 'read' };
  const result = read();
  void result.then(
    () => storeReadDuration.record((performance.now() - started) / 1000, attributes),
    () => storeReadDuration.record((performance.now() - started) / 1000, { ...attributes, 'error.type': 'store_error' }),
  );
  return result;
}
import type { Store } from '@florin/store';

/** Sizes of the store reads a large Read is split into. */
export interface BatchSizes {
  /** Target bytes of the first batch: small, so the first chunk leaves soon. */
  firstBatchBytes: number;
  /** Target bytes of every later batch. */
  batchBytes: number;
}

/**
 * Batch sizes for a chunk size: 64 chunks each (64 MiB at the default 1 MiB).
 * A store read has a cost of its own (a DuckDB read may scan the whole table),
 * so batches are few and large: big enough that splitting costs little, small
 * enough to bound memory, send the first chunk early, and overlap reading the
 * next batch with streaming this one.
 */
export function batchSizes(chunkBytes: number): BatchSizes {
  return { firstBatchBytes: 64 * chunkBytes, batchBytes: 64 * chunkBytes };
}

export interface SymbolBatch {
  readonly symbols: readonly string[];
  /** Frames of the batch's symbols that have rows, keyed by symbol. */
  readonly frames: ReadonlyMap<string, SeriesFrame>;
  readonly rows: number;
}

/**
 * Reads a query's symbols from the store in consecutive batches, always one
 * batch ahead of the consumer, so reading the next symbols overlaps streaming
 * the current ones and memory stays near two batches whatever the request's
 * size. A small read is one batch (one store query). Batch sizes adapt: the
 * first guess comes from the range and the dataset's frequency, later ones
 * from the bytes per symbol seen so far.
 */
export async function* readBatches(
  store: Pick<Store, 'read'> & { readonly kind?: Store['kind'] },
  query: ReadQuery,
  sizes: BatchSizes,
  signal: AbortSignal,
): AsyncGenerator<SymbolBatch> {
  const perRow = rowBytes(query.fields.length);
  const { symbols } = query;
  let bytesPerSymbol = Math.max(1, Math.ceil(rangeLength(query.range) / frequencyMs(query.dataset.frequency))) * perRow;
  let next = 0;
  let seenSymbols = 0;
  let seenBytes = 0;

  const start = (targetBytes: number): { symbols: string[]; frames: Promise<SeriesFrame[]> } => {
    const count = Math.min(symbols.length - next, Math.max(1, Math.floor(targetBytes / bytesPerSymbol)));
    const batch = symbols.slice(next, next + count);
    next += count;
    // A store query span under the shard's Read span (only when that span is recorded).
    const frames = inChildSpan('store.read', { 'db.operation.name': 'read', 'florin.dataset': query.dataset.name, 'florin.symbols': batch.length }, () =>
      timedStoreRead(store, () => store.read({ dataset: query.dataset.name, symbols: batch, fields: query.fields, range: query.range })),
    );
    frames.catch(() => undefined); // awaited below; this only keeps an abandoned prefetch from going unhandled
    return { symbols: batch, frames };
  };

  let pending: ReturnType<typeof start> | undefined = start(sizes.firstBatchBytes);
  while (pending) {
    const frames = await untilAborted(pending.frames, signal);
    const bySymbol = new Map<string, SeriesFrame>();
    let rows = 0;
    for (const f of frames) {
      bySymbol.set(f.symbol, f);
      rows += f.timestamps.length;
    }
    seenSymbols += pending.symbols.length;
    seenBytes += rows * perRow;
    bytesPerSymbol = Math.max(perRow, seenBytes / seenSymbols);
    const current: { symbols: string[] } = pending;
    pending = next < symbols.length ? start(sizes.batchBytes) : undefined;
    yield { symbols: current.symbols, frames: bySymbol, rows };
  }
}
