import { access } from 'node:fs/promises';
import { extname } from 'node:path';
import { frequencyMs, invalidArgument, notFound, validateDatasetName, type DatasetInfo } from '@florin/core';
import { openCsv } from './csv-rows.js';
import { ImportBatcher } from './import-batcher.js';
import { findTimeColumn, parseHeader, type HeaderLayout } from './import-header.js';
import type { RowSource } from './import-source.js';
import { openParquet } from './parquet-rows.js';
import { RowValidator } from './row-validator.js';
import type { Store } from './store.js';

export type ImportFormat = 'csv' | 'parquet';

export interface ImportOptions {
  /** Dataset to load into. */
  readonly dataset: string;
  /** Path of the file. */
  readonly file: string;
  /** File format. Default: from the extension (.csv, .parquet or .pq). */
  readonly format?: ImportFormat;
  /** Frequency of a dataset created by this import; if the dataset exists, it must match. Default '1d' (on create). */
  readonly frequency?: string;
  /** Create the dataset (fields in file order) when it does not exist. Default false: NOT_FOUND. */
  readonly createIfMissing?: boolean;
  /** Valid rows per store write. Default 50,000. */
  readonly batchRows?: number;
  /** Most rejections listed in the result (all are counted). Default 1,000. */
  readonly maxRejections?: number;
}

export interface ImportRejection {
  /** 1-based line of the CSV file (the header is line 1), or 1-based row of a Parquet file. */
  readonly line: number;
  readonly reason: string;
}

export interface ImportResult {
  readonly rowsLoaded: number;
  readonly rowsRejected: number;
  /** The first `maxRejections` rejections, in file order. */
  readonly rejections: ImportRejection[];
}

export const IMPORT_DEFAULTS = Object.freeze({ frequency: '1d', createIfMissing: false, batchRows: 50_000, maxRejections: 1_000 });

/**
 * Imports a CSV or Parquet file into a dataset. Columns: symbol, date (or ts),
 * then one column per field. Each row is loaded whole or rejected with its
 * line number and reason (bad date, non-numeric or empty value, malformed
 * symbol, wrong column count, or a (symbol, time) repeated in the file). Valid
 * rows are upserted in batches, so a failure of the store part way leaves the
 * batches before it written. File-level problems (missing file, unusable
 * header, fields that do not match the dataset) throw before anything is written.
 */
export async function importFile(store: Store, options: ImportOptions): Promise<ImportResult> {
  const config = resolveImport(options);
  try {
    await access(config.file);
  } catch {
    throw notFound(`import file ${config.file} does not exist or cannot be read`);
  }
  const source: RowSource = config.format === 'csv' ? await openCsv(config.file) : await openParquet(config.file, findTimeColumn);
  try {
    const layout = parseHeader(source.header, config.file);
    const dataset = await resolveDataset(store, config, layout);
    const validator = new RowValidator(layout, dataset.fields);
    const batcher = new ImportBatcher(store, dataset.name, dataset.fields, config.batchRows);
    const rejections: ImportRejection[] = [];
    let rowsRejected = 0;
    const reject = (line: number, reason: string): void => {
      rowsRejected++;
      if (rejections.length < config.maxRejections) rejections.push({ line, reason });
    };
    for await (const row of source.rows()) {
      if ('fault' in row) {
        reject(row.line, row.fault);
        continue;
      }
      const checked = validator.check(row.values, row.line);
      if (typeof checked === 'string') reject(row.line, checked);
      else await batcher.add(checked);
    }
    await batcher.flush();
    return { rowsLoaded: batcher.rowsLoaded, rowsRejected, rejections };
  } finally {
    await source.close();
  }
}

type ResolvedImport = Required<Omit<ImportOptions, 'frequency'>> & { frequency: string | undefined };

function resolveImport(options: ImportOptions): ResolvedImport {
  validateDatasetName(options.dataset);
  if (!options.file) throw invalidArgument('file is required');
  const ext = extname(options.file).toLowerCase();
  const format = options.format ?? (ext === '.csv' ? 'csv' : ext === '.parquet' || ext === '.pq' ? 'parquet' : undefined);
  if (format !== 'csv' && format !== 'parquet') {
    throw invalidArgument(`cannot tell the format of ${options.file}: name it .csv or .parquet, or pass format 'csv' or 'parquet'`);
  }
  if (options.frequency !== undefined) frequencyMs(options.frequency);
  const batchRows = options.batchRows ?? IMPORT_DEFAULTS.batchRows;
  const maxRejections = options.maxRejections ?? IMPORT_DEFAULTS.maxRejections;
  if (!Number.isSafeInteger(batchRows) || batchRows < 1) throw invalidArgument(`batchRows must be a positive integer, got ${batchRows}`);
  if (!Number.isSafeInteger(maxRejections) || maxRejections < 0) throw invalidArgument(`maxRejections must be a non-negative integer, got ${maxRejections}`);
  return {
    dataset: options.dataset,
    file: options.file,
    format,
    frequency: options.frequency,
    createIfMissing: options.createIfMissing ?? IMPORT_DEFAULTS.createIfMissing,
    batchRows,
    maxRejections,
  };
}

async function resolveDataset(store: Store, config: ResolvedImport, layout: HeaderLayout): Promise<DatasetInfo> {
  const existing = await store.getDataset(config.dataset);
  if (!existing) {
    if (!config.createIfMissing) throw notFound(`unknown dataset ${config.dataset}; create it first or pass createIfMissing`);
    const info = { name: config.dataset, fields: layout.fields, frequency: config.frequency ?? IMPORT_DEFAULTS.frequency };
    await store.createDataset(info);
    return info;
  }
  if (config.frequency !== undefined && config.frequency !== existing.frequency) {
    throw invalidArgument(`dataset ${existing.name} has frequency ${existing.frequency}, not ${config.frequency}`);
  }
  const missing = existing.fields.filter((f) => !layout.fields.includes(f));
  const extra = layout.fields.filter((f) => !existing.fields.includes(f));
  if (missing.length > 0) throw invalidArgument(`${config.file} lacks column(s) ${missing.join(', ')} of dataset ${existing.name}`);
  if (extra.length > 0) throw invalidArgument(`${config.file} has column(s) ${extra.join(', ')} that dataset ${existing.name} does not have`);
  return existing;
}
