import { invalidArgument } from './errors.js';

const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._\-/:^=]{0,31}$/;
const DATASET = /^[a-z][a-z0-9_]{0,62}$/;
const FIELD = /^[a-z][a-z0-9_]{0,62}$/;

/** Symbols: 1-32 characters, letters/digits first, then letters, digits and . _ - / : ^ = */
export function validateSymbol(symbol: string): string {
  if (!SYMBOL.test(symbol)) {
    throw invalidArgument(
      `malformed symbol ${JSON.stringify(symbol)}: use 1-32 characters, starting with a letter or digit, then letters, digits or . _ - / : ^ =`,
    );
  }
  return symbol;
}

/** Dataset names become table names: lower-case snake case, starting with a letter. */
export function validateDatasetName(name: string): string {
  if (!DATASET.test(name)) {
    throw invalidArgument(`malformed dataset name ${JSON.stringify(name)}: use lower-case letters, digits and _, starting with a letter (max 63)`);
  }
  return name;
}

export function validateFieldName(name: string): string {
  if (!FIELD.test(name) || name === 'symbol' || name === 'ts') {
    throw invalidArgument(
      `malformed field name ${JSON.stringify(name)}: use lower-case letters, digits and _, starting with a letter; "symbol" and "ts" are reserved`,
    );
  }
  return name;
}

const FREQUENCY = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a bar frequency such as "1d", "1h", "5m" into milliseconds. */
export function frequencyMs(frequency: string): number {
  const m = FREQUENCY.exec(frequency);
  if (!m || Number(m[1]) <= 0) throw invalidArgument(`malformed frequency ${JSON.stringify(frequency)}: use e.g. 1d, 1h, 5m, 30s`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** Array.isArray for input checks of typed values: narrows without widening a typed array to any[]. */
export function isArrayValue(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}
