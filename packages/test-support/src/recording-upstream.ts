import { untilAborted, type DatasetInfo, type SeriesFrame, type TimeRange } from '@florin/core';
import type { CallOptions, SeriesQuery, WriteOptions } from '@florin/core';
import type { RoutedWrite, ShardRouter } from '@florin/shard-client';
import type { Upstream } from '@florin/head';

/** A promise the test opens when it chooses. */
export class Gate {
  private openFn!: () => void;
  readonly opened: Promise<void> = new Promise((resolve) => (this.openFn = resolve));
  open(): void {
    this.openFn();
  }
}

export interface RecordedRead {
  readonly dataset: string;
  readonly symbols: readonly string[];
  readonly fields: readonly string[];
  readonly range: TimeRange;
  /** True when the head aborted the call (its signal fired) before it finished. */
  aborted: boolean;
  /** True once the shards have answered (before any holdAfter gate). */
  answered: boolean;
}

/**
 * The real ShardRouter, with every read the head sends it recorded (the range
 * and symbols the shards were asked for), and optional gates that hold a read
 * before it goes out or after its answer came back, so a test can act while a
 * fetch is provably in flight. Everything else is passed straight through.
 */
export class RecordingUpstream implements Upstream {
  readonly reads: RecordedRead[] = [];
  holdBefore: Gate | undefined;
  holdAfter: Gate | undefined;
  constructor(readonly router: ShardRouter) {}

  get shardCount(): number {
    return this.router.shardCount;
  }
  shardOf(dataset: string, symbol: string): number {
    return this.router.shardOf(dataset, symbol);
  }
  async read(query: SeriesQuery, options?: CallOptions): Promise<SeriesFrame[]> {
    const record: RecordedRead = { dataset: query.dataset, symbols: [...query.symbols], fields: [...(query.fields ?? [])], range: query.range, aborted: false, answered: false };
    this.reads.push(record);
    const signal = options?.signal;
    const onAbort = (): void => void (record.aborted = true);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (this.holdBefore) await untilAborted(this.holdBefore.opened, signal);
      const frames = await this.router.read(query, options);
      record.answered = true;
      if (this.holdAfter) await untilAborted(this.holdAfter.opened, signal);
      return frames;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
  writeChecked(dataset: string, fields: readonly string[], frames: readonly SeriesFrame[], options?: WriteOptions): Promise<RoutedWrite> {
    return this.router.writeChecked(dataset, fields, frames, options);
  }
  listDatasets(options?: CallOptions): Promise<DatasetInfo[]> {
    return this.router.listDatasets(options);
  }
  createDataset(info: DatasetInfo, options?: CallOptions): Promise<{ dataset: DatasetInfo; created: boolean }> {
    return this.router.createDataset(info, options);
  }
  listSymbols(dataset: string, options?: CallOptions): Promise<string[]> {
    return this.router.listSymbols(dataset, options);
  }
}
