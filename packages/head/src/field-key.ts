/**
 * The unit the head caches and fetches is one field of one series: the key of
 * (dataset, symbol, field) is the series key (dataset \0 symbol) followed by
 * \u0001 and the field name. Symbols and dataset names never hold control
 * characters, so the series key is everything before the last \u0001.
 */
export function fieldKey(seriesKey: string, field: string): string {
  return `${seriesKey}\u0001${field}`;
}

/** The series key (dataset \0 symbol) a field key belongs to. */
export function seriesKeyOf(key: string): string {
  const at = key.lastIndexOf('\u0001');
  return at < 0 ? key : key.slice(0, at);
}
