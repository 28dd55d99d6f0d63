import { BIGINT, LIST, listValue, VARCHAR, type DuckDBConnection, type DuckDBDataChunk } from '@duckdb/node-api';
import type { SeriesFrame, TimeRange } from '@florin/core';
import { selectSeries } from './duckdb-sql.js';
import { copyDoubles, doubleAt, doubleView } from './duckdb-vectors.js';
import { isAscending, sortFrameByTime } from './frame-order.js';

const SYMBOLS_TYPE = LIST(VARCHAR);

/** A stretch of consecutive result rows of one symbol inside one chunk. */
interface Run {
  readonly chunk: number;
  readonly start: number;
  readonly end: number;
  readonly first: number;
  readonly last: number;
  readonly ascending: boolean;
}

/**
 * Reads `symbols` x `fields` over `range` and assembles one frame per symbol
 * with rows, in request order, timestamps ascending.
 *
 * The query has no ORDER BY (sorting costs more than the scan). Rows arrive
 * in storage order, which writes keep as (symbol, ts), so a symbol's rows come
 * as a few runs, each in time order. The runs of each symbol are put in time
 * order and copied column by column into exactly sized Float64Arrays (each
 * frame owns its buffers, so a cache can keep one frame without pinning
 * others). A symbol whose runs overlap is sorted after copying.
 */
export async function readSeries(
  connection: DuckDBConnection,
  dataset: string,
  symbols: readonly string[],
  fields: readonly string[],
  range: TimeRange,
): Promise<SeriesFrame[]> {
  const result = await connection.run(
    selectSeries(dataset, fields, symbols.length),
    { symbols: listValue([...symbols]), lo: least(symbols), hi: greatest(symbols), start: BigInt(range.start), end: BigInt(range.end) },
    { symbols: SYMBOLS_TYPE, lo: VARCHAR, hi: VARCHAR, start: BIGINT, end: BIGINT },
  );
  const chunks = (await result.fetchAllChunks()).filter((c) => c.rowCount > 0);
  const runs = findRuns(chunks, symbols.length);
  const frames: SeriesFrame[] = [];
  symbols.forEach((symbol, s) => {
    const list = runs[s]!;
    if (list.length === 0) return;
    list.sort((a, b) => a.first - b.first);
    const ordered = list.every((run, i) => run.ascending && (i === 0 || list[i - 1]!.last < run.first));
    const n = list.reduce((sum, run) => sum + run.end - run.start, 0);
    const frame: SeriesFrame = { symbol, fields, timestamps: new Float64Array(n), columns: fields.map(() => new Float64Array(n)) };
    let offset = 0;
    for (const run of list) {
      const chunk = chunks[run.chunk]!;
      copyDoubles(chunk.getColumnVector(1), run.start, run.end, frame.timestamps, offset);
      for (let c = 0; c < fields.length; c++) copyDoubles(chunk.getColumnVector(c + 2), run.start, run.end, frame.columns[c]!, offset);
      offset += run.end - run.start;
    }
    frames.push(ordered ? frame : sortFrameByTime(frame));
  });
  return frames;
}

/** Splits every chunk into runs of one symbol; returns them grouped by symbol (0-based). */
function findRuns(chunks: readonly DuckDBDataChunk[], symbolCount: number): Run[][] {
  const runs: Run[][] = Array.from({ length: symbolCount }, () => []);
  chunks.forEach((chunk, k) => {
    const idx = doubleColumn(chunk, 0);
    const ts = doubleColumn(chunk, 1);
    let start = 0;
    while (start < idx.length) {
      const symbolIndex = idx[start]!;
      let end = start + 1;
      while (end < idx.length && idx[end] === symbolIndex) end++;
      const ascending = isAscending(ts, start, end);
      runs[symbolIndex - 1]!.push({ chunk: k, start, end, first: ts[start]!, last: ts[end - 1]!, ascending });
      start = end;
    }
  });
  return runs;
}

function doubleColumn(chunk: DuckDBDataChunk, column: number): Float64Array {
  const vector = chunk.getColumnVector(column);
  return doubleView(vector) ?? Float64Array.from({ length: chunk.rowCount }, (_, r) => doubleAt(vector, r));
}

// Stored symbols are ASCII (validated on write), where JavaScript's string order
// is DuckDB's byte order.
function least(symbols: readonly string[]): string {
  return symbols.reduce((a, b) => (b < a ? b : a));
}

function greatest(symbols: readonly string[]): string {
  return symbols.reduce((a, b) => (b > a ? b : a));
}
