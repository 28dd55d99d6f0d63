import { invalidArgument, type DatasetInfo, type TimeRange } from '@florin/core';
import { resolveReadFields } from './catalog.js';
import type { StoreReadRequest } from './store.js';

/** A read resolved against its dataset, ready for a backend. */
export interface ResolvedRead {
  readonly dataset: DatasetInfo;
  /** Distinct symbols, first occurrence wins. */
  readonly symbols: readonly string[];
  readonly fields: readonly string[];
  readonly range: TimeRange;
}

/**
 * Resolves a store read: NOT_FOUND for an unknown field, INVALID_ARGUMENT for
 * range bounds that are not integer epoch milliseconds. Returns undefined
 * when the read cannot match a row (no symbols, or an empty range), so the
 * backend need not ask the database.
 */
export function resolveRead(dataset: DatasetInfo, request: StoreReadRequest): ResolvedRead | undefined {
  const fields = resolveReadFields(dataset, request.fields);
  const { start, end } = request.range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) {
    throw invalidArgument(`range bounds must be integer epoch milliseconds, got [${start}, ${end})`);
  }
  const symbols = [...new Set(request.symbols)];
  if (symbols.length === 0 || end <= start) return undefined;
  return { dataset, symbols, fields, range: { start, end } };
}
