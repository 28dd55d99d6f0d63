import { groupByShard, type DatasetInfo, type SeriesFrame } from '@florin/core';
import type { Store, StoreReadRequest, StoreState } from './store.js';

/**
 * N stores seen as one, split by the partition function: store i holds exactly
 * the series for which shardFor(dataset, symbol, N) === i. Used offline (no
 * servers running) to load a data directory of per-shard files, e.g. by
 * `florin data generate` and `florin data import`. Datasets are created on every part.
 */
export class PartitionedStore implements Store {
  readonly kind: Store['kind'];

  constructor(private readonly parts: readonly Store[]) {
    if (parts.length === 0) throw new TypeError('PartitionedStore needs at least one store');
    this.kind = parts[0]!.kind;
  }

  get state(): StoreState {
    return this.parts[0]!.state;
  }

  get partCount(): number {
    return this.parts.length;
  }

  async open(): Promise<void> {
    await Promise.all(this.parts.map((p) => p.open()));
  }

  async createDataset(info: DatasetInfo): Promise<boolean> {
    const created = await Promise.all(this.parts.map((p) => p.createDataset(info)));
    return created.some(Boolean);
  }

  getDataset(name: string): Promise<DatasetInfo | undefined> {
    return this.parts[0]!.getDataset(name);
  }

  listDatasets(): Promise<DatasetInfo[]> {
    return this.parts[0]!.listDatasets();
  }

  async read(request: StoreReadRequest): Promise<SeriesFrame[]> {
    const groups = groupByShard(request.dataset, request.symbols, this.parts.length);
    const results = await Promise.all(
      [...groups].map(([shard, symbols]) => this.parts[shard]!.read({ ...request, symbols })),
    );
    const bySymbol = new Map(results.flat().map((f) => [f.symbol, f]));
    return request.symbols.flatMap((s) => bySymbol.get(s) ?? []);
  }

  /** Writes each frame to the part that owns it. Atomic per part, not across parts. */
  async write(dataset: string, frames: readonly SeriesFrame[]): Promise<number> {
    const groups = groupByShard(dataset, [...new Set(frames.map((f) => f.symbol))], this.parts.length);
    const owner = new Map<string, number>();
    for (const [shard, symbols] of groups) for (const s of symbols) owner.set(s, shard);
    const perPart = this.parts.map(() => [] as SeriesFrame[]);
    for (const f of frames) perPart[owner.get(f.symbol)!]!.push(f);
    const written = await Promise.all(perPart.map((batch, i) => (batch.length ? this.parts[i]!.write(dataset, batch) : Promise.resolve(0))));
    return written.reduce((a, b) => a + b, 0);
  }

  async symbols(dataset: string): Promise<string[]> {
    const all = await Promise.all(this.parts.map((p) => p.symbols(dataset)));
    return all.flat().sort();
  }

  async countRows(dataset: string): Promise<number> {
    const counts = await Promise.all(this.parts.map((p) => p.countRows(dataset)));
    return counts.reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.parts.map((p) => p.close()));
  }
}
