import { FlorinError, seriesKey, untilAborted, type ReadQuery } from '@florin/core';
import type { ChunkData } from './chunk-data.js';
import type { ChunkGrid, ChunkSpan } from './chunk-grid.js';
import type { FetchGroup } from './fetch-group.js';
import { fieldKey } from './field-key.js';

/** A slot is filled by cached data, waits on a fetch, or is still missing (undefined). */
export type Slot = ChunkData | FetchGroup | undefined;

/**
 * One client read on the aggregated path: one row per requested (symbol,
 * field) pair (row = symbol index x field count + field index), one slot per
 * chunk of the read's span. Slots fill from the cache, or wait on the
 * fetch that brings their chunk; the ticket is a waiter of each such fetch
 * until it finishes or leaves.
 */
export class ReadTicket {
  readonly keys: readonly string[];
  readonly slots: Slot[][];
  private readonly groups = new Set<FetchGroup>();
  private released = false;

  constructor(
    readonly query: ReadQuery,
    readonly grid: ChunkGrid,
    readonly span: ChunkSpan,
    readonly deadlineMs: number,
    readonly signal: AbortSignal | undefined,
  ) {
    const width = span.end - span.first;
    this.keys = query.symbols.flatMap((s) => {
      const series = seriesKey(query.dataset.name, s);
      return query.fields.map((f) => fieldKey(series, f));
    });
    this.slots = this.keys.map(() => new Array<Slot>(width).fill(undefined));
  }

  /** Rows per symbol (the read's field count). */
  get fieldCount(): number {
    return this.query.fields.length;
  }

  /** The symbol of row `row`. */
  symbolOf(row: number): string {
    return this.query.symbols[Math.floor(row / this.query.fields.length)]!;
  }

  get chunkCount(): number {
    return this.span.end - this.span.first;
  }

  /** Puts slot (row, offset) on `group`, becoming one of its waiters. True when this joined the group for the first time. */
  wait(row: number, offset: number, group: FetchGroup): boolean {
    this.slots[row]![offset] = group;
    if (this.groups.has(group)) return false;
    this.groups.add(group);
    group.attach(this.deadlineMs);
    return true;
  }

  /** Waits for every fetch this ticket depends on, then fills its slots from their results. */
  async settle(): Promise<void> {
    if (this.groups.size > 0) await untilAborted(Promise.all([...this.groups].map((g) => g.promise)), this.signal, abortReason);
    for (let row = 0; row < this.slots.length; row++) {
      const key = this.keys[row]!;
      const slots = this.slots[row]!;
      for (let offset = 0; offset < slots.length; offset++) {
        const slot = slots[offset];
        if (slot === undefined) throw new FlorinError('INTERNAL', `chunk ${offset} of ${this.symbolOf(row)} was never planned`);
        if (!isGroup(slot)) continue;
        const chunks = await slot.promise;
        const data = chunks.get(key)?.[this.span.first + offset - slot.span.first];
        if (!data) throw new FlorinError('INTERNAL', `fetch of ${this.symbolOf(row)} did not deliver chunk ${this.span.first + offset}`);
        slots[offset] = data;
      }
    }
  }

  /** The filled slot of (row, offset); call after settle(). */
  data(row: number, offset: number): ChunkData {
    return this.slots[row]![offset] as ChunkData;
  }

  /** Leaves every fetch this ticket waited on (the last waiter to leave an unfinished fetch aborts it). Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const g of this.groups) g.detach();
    this.groups.clear();
  }
}

export function isGroup(slot: Slot): slot is FetchGroup {
  return slot !== undefined && 'promise' in slot;
}

export function abortReason(signal: AbortSignal): FlorinError {
  return signal.reason instanceof FlorinError ? signal.reason : new FlorinError('CANCELLED', 'read cancelled by the caller');
}
