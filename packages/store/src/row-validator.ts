import { formatMs } from '@florin/core';
import type { HeaderLayout } from './import-header.js';
import type { SourceValue } from './import-source.js';
import { parseEpochText, parseTimeText } from './time-text.js';

/** A row that passed validation, values in the dataset's field order. */
export interface ValidRow {
  readonly symbol: string;
  readonly ts: number;
  readonly values: readonly number[];
}

const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._\-/:^=]{0,31}$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Checks one import row completely, so it is either loaded whole or rejected
 * with a reason: column count, symbol, time, and every field value (a decimal
 * number, or NaN for an explicitly missing value; empty cells and infinities
 * are rejected). Also rejects a repeat of a (symbol, time) seen earlier in the file.
 */
export class RowValidator {
  private readonly seen = new Map<string, Map<number, number>>();
  private readonly datasetOrder: readonly number[];

  constructor(
    private readonly layout: HeaderLayout,
    datasetFields: readonly string[],
  ) {
    // For each dataset field, the position of its column among the file's field columns.
    this.datasetOrder = datasetFields.map((f) => layout.fields.indexOf(f));
  }

  /** The valid row, or the reason it is rejected. */
  check(values: readonly SourceValue[], line: number): ValidRow | string {
    const { layout } = this;
    if (values.length !== layout.width) {
      return `expected ${layout.width} columns (${layout.names.join(', ')}), got ${values.length}`;
    }
    const symbol = text(values[layout.symbolColumn]);
    if (!SYMBOL.test(symbol)) {
      return `malformed symbol ${JSON.stringify(symbol)}: use 1-32 characters, starting with a letter or digit, then letters, digits or . _ - / : ^ =`;
    }
    const ts = this.time(values[layout.timeColumn]);
    if (typeof ts === 'string') return ts;
    const fieldValues = new Array<number>(layout.fields.length);
    for (let i = 0; i < layout.fields.length; i++) {
      const parsed = fieldNumber(values[layout.fieldColumns[i]!], layout.fields[i]!);
      if (typeof parsed === 'string') return parsed;
      fieldValues[i] = parsed;
    }
    let times = this.seen.get(symbol);
    if (!times) this.seen.set(symbol, (times = new Map<number, number>()));
    const earlier = times.get(ts);
    if (earlier !== undefined) return `duplicate of line ${earlier}: same symbol ${symbol} and time ${formatMs(ts)}`;
    times.set(ts, line);
    return { symbol, ts, values: this.datasetOrder.map((i) => fieldValues[i]!) };
  }

  private time(value: SourceValue | undefined): number | string {
    const column = this.layout.names[this.layout.timeColumn]!;
    if (value === null || value === undefined || value === '') return `empty ${column}`;
    if (typeof value === 'number') {
      return Number.isSafeInteger(value) ? value : `bad ${column}: ${value} is not an integer number of epoch milliseconds`;
    }
    const parsed = this.layout.timeKind === 'ts' ? parseEpochText(value.trim()) : parseTimeText(value.trim());
    return typeof parsed === 'number' ? parsed : `bad ${column}: ${parsed}`;
  }
}

function text(value: SourceValue | undefined): string {
  return value === null || value === undefined ? '' : String(value).trim();
}

function fieldNumber(value: SourceValue | undefined, field: string): number | string {
  if (typeof value === 'number') return Number.isFinite(value) || Number.isNaN(value) ? value : `${field} is not finite: ${value}`;
  const t = text(value);
  if (t === '') return `empty value for ${field}`;
  if (t === 'NaN' || t === 'nan') return Number.NaN;
  if (!NUMBER.test(t)) return `${field} is not a number: ${JSON.stringify(t)}`;
  const n = Number(t);
  return Number.isFinite(n) ? n : `${field} is out of range: ${t}`;
}
