import Table from 'cli-table3';
import type { SeriesFrame } from '@florin/core';

/** Table borders without a rule between rows. */
export const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

function isoDay(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}

/** Frames as a readable table: one row per (symbol, timestamp). `limit` rows per symbol at most (head and tail). */
export function framesToTable(frames: readonly SeriesFrame[], limitPerSymbol = Infinity): string {
  const fields = frames[0]?.fields ?? [];
  const table = new Table({ head: ['symbol', 'time', ...fields], style: { head: [], border: [] }, chars: COMPACT });
  for (const f of frames) {
    const n = f.timestamps.length;
    const rows = n <= limitPerSymbol ? [...Array(n).keys()] : [...Array(Math.ceil(limitPerSymbol / 2)).keys(), -1, ...Array.from({ length: Math.floor(limitPerSymbol / 2) }, (_, i) => n - Math.floor(limitPerSymbol / 2) + i)];
    for (const i of rows) {
      if (i < 0) {
        table.push([f.symbol, `... ${n - limitPerSymbol} more rows ...`, ...fields.map(() => '')]);
        continue;
      }
      table.push([f.symbol, isoDay(f.timestamps[i]!), ...f.columns.map((c) => formatValue(c[i]!))]);
    }
  }
  return table.toString();
}

/** Frames as CSV with full precision (shortest round-trip decimal): symbol,time,<fields...>. */
export function framesToCsv(frames: readonly SeriesFrame[]): string {
  const fields = frames[0]?.fields ?? [];
  const lines = [['symbol', 'time', ...fields].join(',')];
  for (const f of frames) {
    for (let i = 0; i < f.timestamps.length; i++) {
      let line = `${f.symbol},${isoDay(f.timestamps[i]!)}`;
      for (const c of f.columns) line += ',' + String(c[i]);
      lines.push(line);
    }
  }
  return lines.join('\n') + '\n';
}
