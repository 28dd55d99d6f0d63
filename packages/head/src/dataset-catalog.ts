import type { DatasetInfo } from '@florin/core';
import { remainingMs, upstreamError, type Upstream } from './upstream.js';

/**
 * The shards' dataset catalog as the head node sees it: fetched through the
 * upstream, kept in memory, and refreshed when a lookup misses (concurrent
 * misses share one refresh). Unknown names are not remembered, so a dataset
 * created through another head node is found on the next request.
 */
export class DatasetCatalog {
  private readonly datasets = new Map<string, DatasetInfo>();
  private refreshing: Promise<DatasetInfo[]> | undefined;

  constructor(private readonly upstream: Pick<Upstream, 'listDatasets'>) {}

  /** The cached definition, without asking upstream. */
  lookup(name: string): DatasetInfo | undefined {
    return this.datasets.get(name);
  }

  /** The definition from cache, or after one refresh on a miss. */
  async resolve(name: string, deadlineMs: number): Promise<DatasetInfo | undefined> {
    const hit = this.datasets.get(name);
    if (hit || !name) return hit;
    await this.refresh(deadlineMs);
    return this.datasets.get(name);
  }

  /** Every dataset the shards know, refreshing the cache. */
  async list(deadlineMs: number): Promise<DatasetInfo[]> {
    return this.refresh(deadlineMs);
  }

  /** Records a definition the shards have just accepted. */
  remember(info: DatasetInfo): void {
    this.datasets.set(info.name, info);
  }

  private refresh(deadlineMs: number): Promise<DatasetInfo[]> {
    this.refreshing ??= this.upstream
      .listDatasets({ deadlineMs: remainingMs(deadlineMs) })
      .then(
        (all) => {
          for (const info of all) this.datasets.set(info.name, info);
          return all;
        },
        (err: unknown) => {
          throw upstreamError(err);
        },
      )
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
