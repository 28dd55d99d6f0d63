/** One recent Read as the shard saw it (after validation): what it asked for and what it streamed. */
export interface RecentRead {
  readonly dataset: string;
  /** Distinct symbols requested. */
  readonly symbols: number;
  readonly startMs: number;
  readonly endMs: number;
  /** Points (rows x fields) streamed so far; final once the read has ended. */
  readonly points: number;
}

/** What a shard served since it started (or since the last reset). */
export interface ShardStats {
  /** Read RPCs accepted past validation and ownership checks. */
  readonly readCalls: number;
  /** Points (rows x fields) read from the store and streamed. */
  readonly readPoints: number;
  readonly readRows: number;
  /** Write RPCs accepted past validation. */
  readonly writeCalls: number;
  /** Rows the store reported written. */
  readonly rowsWritten: number;
  /** The most recent reads, oldest first (at most RECENT_READS_CAPACITY). */
  readonly recentReads: readonly RecentRead[];
}

/** How many recent reads a shard remembers. */
export const RECENT_READS_CAPACITY = 1_000;

/** A read being counted: the handler adds the rows it streams. */
export interface ReadRecord {
  addRows(rows: number, fields: number): void;
}

interface MutableRead {
  dataset: string;
  symbols: number;
  startMs: number;
  endMs: number;
  points: number;
}

/**
 * The shard's counters plus a ring buffer of its last reads. Counters only
 * grow until a reset; a read still streaming across a reset counts its later
 * rows in the new window.
 */
export class ShardStatsRecorder {
  private readCalls = 0;
  private readPoints = 0;
  private readRows = 0;
  private writeCalls = 0;
  private rowsWritten = 0;
  private readonly ring: (MutableRead | undefined)[];
  /** Index of the next slot to fill; also the oldest entry once the ring is full. */
  private next = 0;
  private size = 0;

  constructor(private readonly capacity = RECENT_READS_CAPACITY) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.ring = new Array<MutableRead | undefined>(capacity);
  }

  /** Counts a Read accepted past validation and remembers its shape. */
  startRead(dataset: string, symbols: number, startMs: number, endMs: number): ReadRecord {
    this.readCalls++;
    const entry: MutableRead = { dataset, symbols, startMs, endMs, points: 0 };
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
    return {
      addRows: (rows, fields) => {
        this.readRows += rows;
        this.readPoints += rows * fields;
        entry.points += rows * fields;
      },
    };
  }

  /** Counts a Write accepted past validation. */
  startWrite(): void {
    this.writeCalls++;
  }

  /** Counts rows a write stored. */
  addRowsWritten(rows: number): void {
    this.rowsWritten += rows;
  }

  /** A copy of the counters and recent reads; with `reset`, all restart from zero afterwards. */
  snapshot(reset = false): ShardStats {
    const recentReads: RecentRead[] = [];
    const oldest = this.size < this.capacity ? 0 : this.next;
    for (let i = 0; i < this.size; i++) recentReads.push({ ...this.ring[(oldest + i) % this.capacity]! });
    const stats: ShardStats = {
      readCalls: this.readCalls,
      readPoints: this.readPoints,
      readRows: this.readRows,
      writeCalls: this.writeCalls,
      rowsWritten: this.rowsWritten,
      recentReads,
    };
    if (reset) {
      this.readCalls = this.readPoints = this.readRows = this.writeCalls = this.rowsWritten = 0;
      this.ring.fill(undefined);
      this.next = this.size = 0;
    }
    return stats;
  }
}
