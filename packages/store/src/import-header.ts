import { invalidArgument, validateFieldName } from '@florin/core';

/** Where the columns of an import file are. */
export interface HeaderLayout {
  readonly width: number;
  readonly symbolColumn: number;
  readonly timeColumn: number;
  /** 'date' accepts YYYY-MM-DD, ISO-8601 or epoch ms (9+ digits); 'ts' takes any integer as epoch ms. */
  readonly timeKind: 'date' | 'ts';
  /** Field names in file order, and the column of each. */
  readonly fields: readonly string[];
  readonly fieldColumns: readonly number[];
  readonly names: readonly string[];
}

export function normalizeColumnName(name: string): string {
  return name.trim().toLowerCase();
}

/** The time column's raw name in `header`, if any ('date' or 'ts'). */
export function findTimeColumn(header: readonly string[]): string | undefined {
  return header.find((h) => ['date', 'ts'].includes(normalizeColumnName(h)));
}

/**
 * Reads a header: a `symbol` column, exactly one of `date` or `ts`, and the
 * field columns (any order; names are trimmed and lower-cased). Throws
 * INVALID_ARGUMENT for a header that cannot be imported.
 */
export function parseHeader(raw: readonly string[], file: string): HeaderLayout {
  const names = raw.map(normalizeColumnName);
  const seen = new Set<string>();
  for (const n of names) {
    if (n === '') throw invalidArgument(`${file}: the header has an empty column name`);
    if (seen.has(n)) throw invalidArgument(`${file}: the header names column ${n} twice`);
    seen.add(n);
  }
  const symbolColumn = names.indexOf('symbol');
  if (symbolColumn < 0) throw invalidArgument(`${file}: the header has no symbol column; expected symbol, date (or ts), then field names`);
  const dateColumn = names.indexOf('date');
  const tsColumn = names.indexOf('ts');
  if (dateColumn >= 0 && tsColumn >= 0) throw invalidArgument(`${file}: the header has both date and ts columns; keep one`);
  if (dateColumn < 0 && tsColumn < 0) throw invalidArgument(`${file}: the header has no date or ts column`);
  const timeColumn = dateColumn >= 0 ? dateColumn : tsColumn;
  const fields: string[] = [];
  const fieldColumns: number[] = [];
  names.forEach((n, i) => {
    if (i === symbolColumn || i === timeColumn) return;
    try {
      validateFieldName(n);
    } catch (err) {
      throw invalidArgument(`${file}: column ${JSON.stringify(raw[i])} is not a valid field name: ${(err as Error).message}`);
    }
    fields.push(n);
    fieldColumns.push(i);
  });
  if (fields.length === 0) throw invalidArgument(`${file}: the header has no field columns after symbol and ${names[timeColumn]}`);
  return { width: names.length, symbolColumn, timeColumn, timeKind: dateColumn >= 0 ? 'date' : 'ts', fields, fieldColumns, names };
}
