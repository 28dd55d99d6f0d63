import type { SeriesFrame } from '@florin/core';
import type { Store } from './store.js';
import type { ValidRow } from './row-validator.js';

interface Pending {
  readonly ts: number[];
  readonly values: number[][];
}

/**
 * Collects valid rows by symbol and upserts them to the store in batches of
 * about `batchRows` rows, one frame per symbol (rows sorted by time).
 */
export class ImportBatcher {
  private pending = new Map<string, Pending>();
  private size = 0;
  private loaded = 0;

  constructor(
    private readonly store: Store,
    private readonly dataset: string,
    private readonly fields: readonly string[],
    private readonly batchRows: number,
  ) {}

  get rowsLoaded(): number {
    return this.loaded;
  }

  async add(row: ValidRow): Promise<void> {
    let p = this.pending.get(row.symbol);
    if (!p) this.pending.set(row.symbol, (p = { ts: [], values: this.fields.map(() => []) }));
    p.ts.push(row.ts);
    for (let c = 0; c < row.values.length; c++) p.values[c]!.push(row.values[c]!);
    if (++this.size >= this.batchRows) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const frames = [...this.pending].map(([symbol, p]) => toFrame(symbol, this.fields, p));
    this.pending = new Map();
    this.size = 0;
    this.loaded += await this.store.write(this.dataset, frames);
  }
}

function toFrame(symbol: string, fields: readonly string[], p: Pending): SeriesFrame {
  const order = p.ts.map((_, i) => i);
  if (!p.ts.every((t, i) => i === 0 || p.ts[i - 1]! < t)) order.sort((a, b) => p.ts[a]! - p.ts[b]!);
  return {
    symbol,
    fields,
    timestamps: Float64Array.from(order, (i) => p.ts[i]!),
    columns: p.values.map((column) => Float64Array.from(order, (i) => column[i]!)),
  };
}
