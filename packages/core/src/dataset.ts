import { invalidArgument } from './errors.js';
import { frequencyMs, validateDatasetName, validateFieldName } from './names.js';

/** A catalog entry: a dataset's name, its fields in storage order, and its bar frequency. */
export interface DatasetInfo {
  readonly name: string;
  readonly fields: readonly string[];
  readonly frequency: string;
}

export function validateDatasetInfo(info: DatasetInfo): DatasetInfo {
  validateDatasetName(info.name);
  if (info.fields.length === 0) throw invalidArgument(`dataset ${info.name} needs at least one field`);
  const seen = new Set<string>();
  for (const f of info.fields) {
    validateFieldName(f);
    if (seen.has(f)) throw invalidArgument(`dataset ${info.name} lists field ${f} twice`);
    seen.add(f);
  }
  frequencyMs(info.frequency);
  return { name: info.name, fields: [...info.fields], frequency: info.frequency };
}
