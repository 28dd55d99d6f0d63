import { FlorinError, invalidArgument, notFound, type DatasetInfo } from '@florin/core';

/** Name of the catalog table, in every backend. */
export const CATALOG_TABLE = 'florin_datasets';

/** Each dataset lives in its own table, named after it (dataset names are validated snake case). */
export function datasetTable(name: string): string {
  return `ds_${name}`;
}

/** A catalog row as stored: fields as a JSON array of names. */
export interface CatalogRow {
  readonly name: string;
  readonly fields: string;
  readonly frequency: string;
}

export function toCatalogRow(info: DatasetInfo): CatalogRow {
  return { name: info.name, fields: JSON.stringify(info.fields), frequency: info.frequency };
}

export function fromCatalogRow(row: CatalogRow): DatasetInfo {
  const fields = JSON.parse(row.fields) as unknown;
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string')) {
    throw new Error(`catalog entry ${row.name} has a corrupt field list: ${row.fields}`);
  }
  return freeze({ name: row.name, fields, frequency: row.frequency });
}

export function freeze(info: DatasetInfo): DatasetInfo {
  return Object.freeze({ name: info.name, fields: Object.freeze([...info.fields]), frequency: info.frequency });
}

export function sameDataset(a: DatasetInfo, b: DatasetInfo): boolean {
  return a.name === b.name && a.frequency === b.frequency && a.fields.join('\u0000') === b.fields.join('\u0000');
}

/** The ALREADY_EXISTS error for a create that conflicts with an existing dataset. */
export function conflictError(existing: DatasetInfo, requested: DatasetInfo): FlorinError {
  return new FlorinError(
    'ALREADY_EXISTS',
    `dataset ${existing.name} already exists with fields [${existing.fields.join(', ')}] and frequency ${existing.frequency}; ` +
      `the request asked for fields [${requested.fields.join(', ')}] and frequency ${requested.frequency}`,
  );
}

/**
 * Resolves the fields of a read: all of them when `fields` is empty, else the
 * named ones in the given order. NOT_FOUND for a field the dataset lacks,
 * INVALID_ARGUMENT for a field named twice.
 */
export function resolveReadFields(info: DatasetInfo, fields: readonly string[]): readonly string[] {
  if (fields.length === 0) return info.fields;
  const seen = new Set<string>();
  for (const f of fields) {
    if (!info.fields.includes(f)) {
      throw notFound(`unknown field ${JSON.stringify(f)} in dataset ${info.name}; it has ${info.fields.join(', ')}`);
    }
    if (seen.has(f)) throw invalidArgument(`field ${f} is requested twice`);
    seen.add(f);
  }
  return fields;
}

/**
 * The datasets a store knows, cached in memory. Entries never change once
 * created (datasets are immutable), so a cached entry is always current; a
 * miss is asked of the database, which may know a dataset another process made.
 */
export class DatasetCatalog {
  private readonly known = new Map<string, DatasetInfo>();

  constructor(private readonly load: (name: string) => Promise<DatasetInfo | undefined>) {}

  remember(info: DatasetInfo): DatasetInfo {
    const frozen = freeze(info);
    this.known.set(frozen.name, frozen);
    return frozen;
  }

  cached(name: string): DatasetInfo | undefined {
    return this.known.get(name);
  }

  async get(name: string): Promise<DatasetInfo | undefined> {
    const hit = this.known.get(name);
    if (hit) return hit;
    const loaded = await this.load(name);
    return loaded ? this.remember(loaded) : undefined;
  }

  /** Like get(), but NOT_FOUND when the dataset does not exist. */
  async require(name: string): Promise<DatasetInfo> {
    const info = await this.get(name);
    if (!info) throw notFound(`unknown dataset ${JSON.stringify(name)}; create it first`);
    return info;
  }
}
