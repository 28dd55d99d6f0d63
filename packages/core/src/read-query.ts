import { invalidArgument, notFound, resourceExhausted } from './errors.js';
import { validateSymbol } from './names.js';
import { validateRange, type TimeRange } from './range.js';
import type { DatasetInfo } from './dataset.js';
import type { Limits } from './limits.js';

/** A read as it arrives on the wire (before validation). */
export interface ReadQueryInput {
  dataset: string;
  symbols: readonly string[];
  fields: readonly string[];
  startMs: number;
  endMs: number;
}

/** A validated read: known dataset, resolved fields, well-formed symbols and a non-empty range. */
export interface ReadQuery {
  readonly dataset: DatasetInfo;
  readonly symbols: readonly string[];
  readonly fields: readonly string[];
  readonly range: TimeRange;
}

/**
 * Validates a read the same way at every server (shard and head node):
 * NOT_FOUND for an unknown dataset or field, INVALID_ARGUMENT for a missing
 * dataset name, empty or malformed symbols or a bad range, RESOURCE_EXHAUSTED
 * past the symbol limit. Duplicate symbols are collapsed, first one wins.
 */
export function validateReadQuery(
  input: ReadQueryInput,
  lookup: (name: string) => DatasetInfo | undefined,
  limits: Pick<Limits, 'maxSymbolsPerRequest'>,
): ReadQuery {
  if (!input.dataset) throw invalidArgument('dataset is required');
  const dataset = lookup(input.dataset);
  if (!dataset) throw notFound(`unknown dataset ${JSON.stringify(input.dataset)}`);
  if (input.symbols.length === 0) throw invalidArgument('symbols is empty: name at least one symbol');
  if (input.symbols.length > limits.maxSymbolsPerRequest) {
    throw resourceExhausted(
      `${input.symbols.length} symbols requested; the limit is ${limits.maxSymbolsPerRequest} symbols per request (maxSymbolsPerRequest)`,
    );
  }
  const symbols = [...new Set(input.symbols.map(validateSymbol))];
  const fields = input.fields.length === 0 ? dataset.fields : input.fields;
  for (const f of fields) {
    if (!dataset.fields.includes(f)) {
      throw notFound(`unknown field ${JSON.stringify(f)} in dataset ${dataset.name}; it has ${dataset.fields.join(', ')}`);
    }
  }
  if (new Set(fields).size !== fields.length) throw invalidArgument('fields lists a field twice');
  const range = validateRange({ start: input.startMs, end: input.endMs });
  return { dataset, symbols, fields: [...fields], range };
}

/** Throws RESOURCE_EXHAUSTED when `points` passes the configured limit. */
export function checkPointLimit(points: number, limits: Pick<Limits, 'maxPointsPerRequest'>): void {
  if (points > limits.maxPointsPerRequest) {
    throw resourceExhausted(
      `request covers ${points} points; the limit is ${limits.maxPointsPerRequest} points per request (maxPointsPerRequest). Narrow the range or split the symbols`,
    );
  }
}
