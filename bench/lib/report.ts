import Table from 'cli-table3';

/** A benchmark's result: a table for people, and a JSON object for machines. */
export interface BenchReport {
  readonly title: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  /** Lines printed under the table. */
  readonly notes?: readonly string[];
  /** The machine-readable result, printed as the last line of stdout with --json. */
  readonly result: object;
}

/** Prints the title, the table and the notes on stdout, then (with `json`) the result as one JSON line, last. */
export function printReport(report: BenchReport, options: { json: boolean }): void {
  const table = new Table({ head: [...report.head], style: { head: [], border: [] } });
  for (const row of report.rows) table.push(row.map((cell) => (typeof cell === 'number' ? String(cell) : cell)));
  const lines = [report.title, table.toString(), ...(report.notes ?? [])];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify(report.result)}\n`);
}

/** A rate for a table: 12.3 M/s, 456 k/s. */
export function formatRate(perSec: number): string {
  if (perSec >= 1e9) return `${(perSec / 1e9).toFixed(2)} G/s`;
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(1)} M/s`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)} k/s`;
  return `${perSec.toFixed(0)} /s`;
}

/** Milliseconds for a table, with precision suited to their size. */
export function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(1) : ms.toFixed(3);
}

/** A count for a table with thousands separators: 1,260,000. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
