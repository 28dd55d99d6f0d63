import { WriteGenerations } from './write-generations.js';

/**
 * Each dataset's symbols as a store that is its file's only writer knows them:
 * listed from the table once, then kept current by that store's own writes, so
 * a whole-dataset universe (`symbols: 'all'` at submit) costs no scan of the
 * table's symbol column: `listSymbols` through a head of `florin up`'s cluster
 * went from 26-31 to 12-14 ms (500 symbols x 10 years of daily bars) and from
 * 44-73 to 22-32 ms (2,000); the first listing still scans. A listing that
 * raced a write is used once and not remembered; a failed write forgets the
 * dataset's list (it may have written part of its rows). Symbols are ASCII
 * (validateSymbol), so JavaScript's sort is the table's byte order.
 */
export class KnownSymbols {
  private readonly lists = new Map<string, string[]>();
  private readonly writes = new WriteGenerations();

  /** A copy of the remembered list of `dataset`, sorted and unique, or undefined. */
  get(dataset: string): string[] | undefined {
    const list = this.lists.get(dataset);
    return list ? [...list] : undefined;
  }

  /** Taken before listing `dataset` from the table; remember() keeps the listing only if no write came since. */
  begin(dataset: string): number {
    return this.writes.of(dataset);
  }

  /** Keeps `symbols` (sorted, unique) as the list of `dataset` unless a write came after `token` was taken. */
  remember(dataset: string, token: number, symbols: readonly string[]): void {
    if (this.writes.of(dataset) === token) this.lists.set(dataset, [...symbols]);
  }

  /** A write of `symbols` to `dataset` committed. */
  wrote(dataset: string, symbols: Iterable<string>): void {
    this.writes.bump(dataset);
    const list = this.lists.get(dataset);
    if (!list) return;
    const known = new Set(list);
    let added = false;
    for (const symbol of symbols) {
      if (known.has(symbol)) continue;
      known.add(symbol);
      list.push(symbol);
      added = true;
    }
    if (added) list.sort(byteOrder);
  }

  /** A write to `dataset` failed (it may have written part of its rows), or the dataset changed: list it again next time. */
  forget(dataset: string): void {
    this.writes.bump(dataset);
    this.lists.delete(dataset);
  }
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
