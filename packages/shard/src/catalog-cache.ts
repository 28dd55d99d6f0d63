import { validateDatasetName, type DatasetInfo } from '@florin/core';
import type { Store } from '@florin/store';

/**
 * The store's dataset catalog, cached in memory. A lookup that misses asks the
 * store once (concurrent misses for one name share that question); unknown
 * names are not remembered, so a dataset created elsewhere (a shared
 * PostgreSQL catalog) is seen on the next request.
 */
export class CatalogCache {
  private readonly datasets = new Map<string, DatasetInfo>();
  private readonly pending = new Map<string, Promise<DatasetInfo | undefined>>();

  constructor(private readonly store: Pick<Store, 'getDataset' | 'listDatasets'>) {}

  /** The cached definition, without asking the store. */
  lookup(name: string): DatasetInfo | undefined {
    return this.datasets.get(name);
  }

  /** The definition from cache, or from the store on a miss. A malformed name is never asked about. */
  async get(name: string): Promise<DatasetInfo | undefined> {
    const hit = this.datasets.get(name);
    if (hit) return hit;
    if (!wellFormed(name)) return undefined;
    let asking = this.pending.get(name);
    if (!asking) {
      asking = this.store.getDataset(name).then(
        (info) => {
          this.pending.delete(name);
          if (info) this.datasets.set(name, info);
          return info;
        },
        (err: unknown) => {
          this.pending.delete(name);
          throw err;
        },
      );
      this.pending.set(name, asking);
    }
    return asking;
  }

  /** Every dataset in the store, refreshing the cache on the way. */
  async list(): Promise<DatasetInfo[]> {
    const all = await this.store.listDatasets();
    for (const info of all) this.datasets.set(info.name, info);
    return all;
  }

  /** Records a definition the store has just accepted. */
  remember(info: DatasetInfo): void {
    this.datasets.set(info.name, info);
  }
}

function wellFormed(name: string): boolean {
  try {
    validateDatasetName(name);
    return true;
  } catch {
    return false;
  }
}
