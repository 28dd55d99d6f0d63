import { WriteGenerations } from './write-generations.js';

/**
 * Where each dataset's rows start, as a store that is its file's only writer
 * knows it: the first timestamp read from the table once (`min(ts)`), then
 * lowered by that store's own writes. Nothing removes a dataset's rows (an
 * upsert replaces rows at their own timestamps), and a write, even a failed
 * one that wrote part of its rows, adds none before its first timestamp, so
 * the kept value stays a lower bound of every stored timestamp. A read whose
 * range ends at or before it matches no row and needs no query: a job's
 * look-back (readHistory) asks once per task for the window before the data.
 * An empty dataset starts at +Infinity until its first write.
 */
export class DatasetStarts {
  private readonly starts = new Map<string, number>();
  private readonly writes = new WriteGenerations();
  private readonly pending = new Set<string>();

  /** The first timestamp of `dataset`'s rows (+Infinity when it has none), or undefined when not known yet. */
  get(dataset: string): number | undefined {
    return this.starts.get(dataset);
  }

  /**
   * Learns the start of `dataset` with `query` (min(ts); undefined for no rows)
   * unless it is known or being learned. Never rejects: a failed query leaves
   * it unknown. A start read while a write committed is not kept (the next
   * read learns it again).
   */
  learn(dataset: string, query: () => Promise<number | undefined>): void {
    if (this.starts.has(dataset) || this.pending.has(dataset)) return;
    this.pending.add(dataset);
    const token = this.writes.of(dataset);
    query()
      .then(
        (first) => {
          if (this.writes.of(dataset) === token) this.starts.set(dataset, first ?? Number.POSITIVE_INFINITY);
        },
        () => undefined,
      )
      .finally(() => this.pending.delete(dataset));
  }

  /** A write to `dataset` whose rows start at `first` ran (committed or failed). */
  wrote(dataset: string, first: number): void {
    this.writes.bump(dataset);
    const start = this.starts.get(dataset);
    if (start !== undefined && first < start) this.starts.set(dataset, first);
  }
}
