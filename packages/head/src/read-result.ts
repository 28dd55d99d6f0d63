import { concatFrames, emptyFrame, type ReadQuery, type SeriesFrame } from '@florin/core';
import { chunkSlice } from './chunk-data.js';
import type { ReadTicket } from './read-ticket.js';

/** One symbol's answer as ordered, disjoint pieces (zero-copy views of cached chunks). */
export interface SeriesPieces {
  readonly symbol: string;
  readonly pieces: readonly SeriesFrame[];
}

/** The answer to a read: every requested symbol in request order, columns in `fields` order. */
export interface HeadReadResult {
  readonly fields: readonly string[];
  readonly series: readonly SeriesPieces[];
  /** Rows x fields. */
  readonly points: number;
}

/**
 * Slices a settled ticket's chunks to the read's range and joins each
 * symbol's fields chunk by chunk: views only, no copy. The fields of one chunk
 * were cached or fetched separately, so their timestamps are compared (a
 * memcmp); undefined when they differ (a write landed between two of the
 * fetches), and the caller reads the query straight from the shards instead.
 */
export function assembleFromChunks(ticket: ReadTicket): HeadReadResult | undefined {
  const { query } = ticket;
  const width = query.fields.length;
  const single = [0];
  let rows = 0;
  const series: SeriesPieces[] = [];
  for (let si = 0; si < query.symbols.length; si++) {
    const symbol = query.symbols[si]!;
    const pieces: SeriesFrame[] = [];
    for (let offset = 0; offset < ticket.chunkCount; offset++) {
      const first = chunkSlice(ticket.data(si * width, offset), symbol, query.fields, single, query.range);
      const columns: Float64Array[] = first ? [first.columns[0]!] : [];
      for (let f = 1; f < width; f++) {
        const other = chunkSlice(ticket.data(si * width + f, offset), symbol, query.fields, single, query.range);
        if (!first || !other) {
          if (first || other) return undefined;
          continue;
        }
        if (!sameTimestamps(first.timestamps, other.timestamps)) return undefined;
        columns.push(other.columns[0]!);
      }
      if (!first) continue;
      pieces.push({ symbol, fields: query.fields, timestamps: first.timestamps, columns });
      rows += first.timestamps.length;
    }
    series.push({ symbol, pieces });
  }
  return { fields: query.fields, series, points: rows * width };
}

function sameTimestamps(a: Float64Array, b: Float64Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Wraps frames read straight from upstream (one per symbol, in request order). */
export function assembleFromFrames(query: ReadQuery, frames: readonly SeriesFrame[]): HeadReadResult {
  const bySymbol = new Map<string, SeriesFrame>();
  for (const f of frames) bySymbol.set(f.symbol, f);
  let rows = 0;
  const series = query.symbols.map((symbol): SeriesPieces => {
    const frame = bySymbol.get(symbol);
    if (!frame || frame.timestamps.length === 0) return { symbol, pieces: [] };
    rows += frame.timestamps.length;
    return { symbol, pieces: [frame] };
  });
  return { fields: query.fields, series, points: rows * query.fields.length };
}

/** One frame per symbol (pieces joined with one copy when there are several). */
export function resultFrames(result: HeadReadResult): SeriesFrame[] {
  return result.series.map((s) => concatFrames(s.symbol, result.fields, s.pieces.length > 0 ? s.pieces : [emptyFrame(s.symbol, result.fields)]));
}

