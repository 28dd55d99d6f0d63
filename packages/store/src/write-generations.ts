/**
 * Writes a store has run per dataset (committed or failed). What a store reads
 * from a table to remember (a symbol list, a first timestamp) is kept only if
 * no write ran while it was read: take `of` before reading, compare after.
 */
export class WriteGenerations {
  private readonly counts = new Map<string, number>();

  /** Writes to `dataset` so far. */
  of(dataset: string): number {
    return this.counts.get(dataset) ?? 0;
  }

  /** A write to `dataset` ran. */
  bump(dataset: string): void {
    this.counts.set(dataset, this.of(dataset) + 1);
  }
}
