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

/** Slices a settled ticket's chunks to the read's range and fields: views only, no copy. */
export function assembleFromChunks(ticket: ReadTicket): HeadReadResult {
  const { query } = ticket;
  const fieldIndexes = query.fields.map((f) => query.dataset.fields.indexOf(f));
  let rows = 0;
  const series = query.symbols.map((symbol, row): SeriesPieces => {
    const pieces: SeriesFrame[] = [];
    for (let offset = 0; offset < ticket.chunkCount; offset++) {
      const piece = chunkSlice(ticket.data(row, offset), symbol, query.fields, fieldIndexes, query.range);
      if (!piece) continue;
      pieces.push(piece);
      rows += piece.timestamps.length;
    }
    return { symbol, pieces };
  });
  return { fields: query.fields, series, points: rows * query.fields.length };
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

