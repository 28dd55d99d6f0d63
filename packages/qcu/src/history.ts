import { concatFrames, invalidArgument, lowerBound, type SeriesFrame, type TimeRange } from '@florin/core';
import type { CallOptions, SeriesQuery } from '@florin/core';
import type { UnitData } from './data-port.js';

const DAY_MS = 86_400_000;

export interface HistoryQuery extends SeriesQuery {
  /** Rows each symbol needs before `range.start` (the warm-up of a rolling window). */
  bars: number;
  /** Bar spacing in ms used to guess how far back `bars` rows reach. Default one day. */
  barMs?: number;
  /** Times the look-back window is doubled for symbols still short of `bars` rows. Default 3. */
  maxWidenings?: number;
}

/**
 * Reads `range` plus at least `bars` earlier rows per symbol, so a rolling
 * computation is defined from the first row of `range`. The first read goes
 * back bars x barMs x 7/5 + 10 days (weekends and holidays of daily bars);
 * symbols still short of history are re-read further back, doubling the
 * window, until they have enough rows or an older window comes back empty
 * (the start of their data). Returns one frame per distinct symbol, in order.
 */
export async function readHistory(data: UnitData, query: HistoryQuery, options?: CallOptions): Promise<SeriesFrame[]> {
  const { bars, range } = query;
  if (!Number.isSafeInteger(bars) || bars < 0) throw invalidArgument(`readHistory: bars must be an integer >= 0, got ${bars}`);
  const barMs = query.barMs ?? DAY_MS;
  const maxWidenings = query.maxWidenings ?? 3;
  let span = bars === 0 ? 0 : Math.ceil((bars * barMs * 7) / 5) + 10 * barMs;
  const symbols = [...new Set(query.symbols)];
  const base = { dataset: query.dataset, fields: query.fields };
  const first = await data.read({ ...base, symbols, range: { start: range.start - span, end: range.end } }, options);
  const parts = new Map<string, SeriesFrame[]>(first.map((f) => [f.symbol, [f]]));
  let short = symbols.filter((s) => rowsBefore(parts.get(s)![0]!, range.start) < bars);
  for (let i = 0; i < maxWidenings && short.length > 0; i++) {
    const older: TimeRange = { start: range.start - span * 2, end: range.start - span };
    span *= 2;
    const frames = await data.read({ ...base, symbols: short, range: older }, options);
    const stillShort: string[] = [];
    for (const frame of frames) {
      if (frame.timestamps.length === 0) continue; // no older data: this symbol's history starts inside the window
      const list = parts.get(frame.symbol)!;
      list.unshift(frame);
      if (list.reduce((n, f) => n + rowsBefore(f, range.start), 0) < bars) stillShort.push(frame.symbol);
    }
    short = stillShort;
  }
  return symbols.map((s) => {
    const list = parts.get(s)!;
    return concatFrames(s, list[0]!.fields, list);
  });
}

function rowsBefore(frame: SeriesFrame, t: number): number {
  return lowerBound(frame.timestamps, t);
}
