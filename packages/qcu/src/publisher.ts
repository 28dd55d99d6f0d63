import { invalidArgument, rowBytes, sliceRows, validateDatasetName, validateSymbol, type SeriesFrame } from '@florin/core';
import type { DataPort } from './data-port.js';

/** Rows a unit publishes for one symbol: timestamps (epoch ms, strictly increasing) and one column per field. */
export interface PublishFrame {
  readonly fields: readonly string[];
  readonly timestamps: Float64Array;
  readonly columns: readonly Float64Array[];
}

export interface PublisherOptions {
  /** Buffered bytes (rows x (1 + fields) x 8) that trigger a write. Default 8 MiB. */
  flushBytes?: number;
  /** Most symbols in one write. Default 1000. */
  flushSymbols?: number;
  /** Known datasets (the unit's output) -> their fields: frames are checked and written with these fields. */
  datasets?: ReadonlyMap<string, readonly string[]>;
  /** Cancels in-flight writes. */
  signal?: AbortSignal;
}

interface Pending {
  fields: readonly string[];
  frames: SeriesFrame[];
  symbols: Set<string>;
  bytes: number;
}

/**
 * Buffers a task's published rows per dataset and writes them through the
 * owning head nodes, tagged with the job id. Writes upsert by (symbol, ts), so
 * publishing the same rows again (a retried task) overwrites, never duplicates.
 * The runtime calls `flush()` before it reports the task complete.
 */
export class Publisher {
  private readonly pending = new Map<string, Pending>();
  private readonly flushBytes: number;
  private readonly flushSymbols: number;
  private rowsWritten = 0;

  constructor(
    private readonly port: Pick<DataPort, 'write'>,
    private readonly jobId: string,
    private readonly options: PublisherOptions = {},
  ) {
    this.flushBytes = options.flushBytes ?? 8 * 1024 * 1024;
    this.flushSymbols = options.flushSymbols ?? 1000;
  }

  /** Rows written so far (excluding rows still buffered). */
  get rows(): number {
    return this.rowsWritten;
  }

  /** Buffers `frame` as `symbol`'s rows in `dataset`; resolves once buffered (or written, when the buffer was full). */
  async publish(dataset: string, symbol: string, frame: PublishFrame): Promise<void> {
    validateDatasetName(dataset);
    validateSymbol(symbol);
    const fields = this.options.datasets?.get(dataset) ?? frame.fields;
    const checked = checkFrame(dataset, symbol, frame, fields);
    if (checked.timestamps.length === 0) return;
    let p = this.pending.get(dataset);
    if (p && (p.symbols.has(symbol) || p.fields.join() !== fields.join())) {
      // Same symbol twice in one write would leave the upsert order to the server: write what is buffered first.
      await this.flushDataset(dataset);
      p = undefined;
    }
    if (!p) {
      p = { fields, frames: [], symbols: new Set(), bytes: 0 };
      this.pending.set(dataset, p);
    }
    p.frames.push(checked);
    p.symbols.add(symbol);
    p.bytes += checked.timestamps.length * rowBytes(fields.length);
    if (p.bytes >= this.flushBytes || p.symbols.size >= this.flushSymbols) await this.flushDataset(dataset);
  }

  /** Writes everything buffered. */
  async flush(): Promise<void> {
    for (const dataset of [...this.pending.keys()]) await this.flushDataset(dataset);
  }

  private async flushDataset(dataset: string): Promise<void> {
    const p = this.pending.get(dataset);
    if (!p) return;
    this.pending.delete(dataset);
    const maxRows = Math.max(1, Math.floor(this.flushBytes / rowBytes(p.fields.length)));
    const batch: SeriesFrame[] = [];
    let batchRows = 0;
    const send = async (): Promise<void> => {
      if (batch.length === 0) return;
      this.rowsWritten += await this.port.write(dataset, p.fields, batch.splice(0), { jobId: this.jobId, signal: this.options.signal });
      batchRows = 0;
    };
    for (const frame of p.frames) {
      const n = frame.timestamps.length;
      // A frame larger than one write is split by rows; each piece goes in its own write.
      for (let from = 0; from < n; from += maxRows) {
        const piece = from === 0 && n <= maxRows ? frame : sliceRows(frame, from, Math.min(n, from + maxRows));
        if (batchRows + piece.timestamps.length > maxRows || from > 0) await send();
        batch.push(piece);
        batchRows += piece.timestamps.length;
      }
    }
    await send();
  }
}

function checkFrame(dataset: string, symbol: string, frame: PublishFrame, fields: readonly string[]): SeriesFrame {
  const where = `publish(${dataset}, ${symbol})`;
  if (!(frame.timestamps instanceof Float64Array)) throw invalidArgument(`${where}: timestamps must be a Float64Array`);
  if (frame.columns.length !== frame.fields.length) {
    throw invalidArgument(`${where}: ${frame.fields.length} fields but ${frame.columns.length} columns`);
  }
  const n = frame.timestamps.length;
  frame.columns.forEach((c, i) => {
    if (!(c instanceof Float64Array) || c.length !== n) {
      throw invalidArgument(`${where}: column ${frame.fields[i]} must be a Float64Array of ${n} values (one per timestamp)`);
    }
  });
  const missing = fields.filter((f) => !frame.fields.includes(f));
  if (missing.length > 0) throw invalidArgument(`${where}: the frame lacks field${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of the dataset (${fields.join(', ')})`);
  const ts = frame.timestamps;
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    if (!Number.isSafeInteger(t)) throw invalidArgument(`${where}: timestamp #${i} (${t}) is not an integer epoch-ms value`);
    if (i > 0 && t <= ts[i - 1]!) throw invalidArgument(`${where}: timestamps must be strictly increasing; #${i} (${t}) follows ${ts[i - 1]}`);
  }
  const columns = fields.map((f) => frame.columns[frame.fields.indexOf(f)]!);
  return { symbol, fields, timestamps: ts, columns };
}
