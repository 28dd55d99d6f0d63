import { invalidArgument, notFound, validateSymbol, type DatasetInfo, type SeriesFrame, type TimeRange, isArrayValue } from '@florin/core';

/** One symbol's rows, with columns in the dataset's field order. */
export interface WriteSegment {
  readonly symbol: string;
  readonly timestamps: Float64Array;
  readonly columns: readonly Float64Array[];
}

/** A validated write: one segment per distinct symbol, ready for a backend to upsert. */
export interface WriteBatch {
  readonly dataset: DatasetInfo;
  readonly segments: readonly WriteSegment[];
  readonly rowCount: number;
}

/**
 * Validates frames against a dataset and reorders their columns into the
 * dataset's field order (zero-copy). Throws before anything is written:
 * INVALID_ARGUMENT for a malformed symbol, a missing or repeated field,
 * mismatched column lengths, or timestamps that are not strictly increasing
 * integer epoch milliseconds; NOT_FOUND for a field the dataset lacks.
 * Frames of the same symbol are merged; on equal timestamps the later frame wins.
 */
export function prepareWrite(dataset: DatasetInfo, frames: readonly SeriesFrame[]): WriteBatch {
  const bySymbol = new Map<string, WriteSegment[]>();
  frames.forEach((frame, i) => {
    const segment = toSegment(dataset, frame, i);
    if (segment.timestamps.length === 0) return;
    const list = bySymbol.get(segment.symbol);
    if (list) list.push(segment);
    else bySymbol.set(segment.symbol, [segment]);
  });
  const segments: WriteSegment[] = [];
  let rowCount = 0;
  for (const list of bySymbol.values()) {
    const segment = list.length === 1 ? list[0]! : mergeSegments(list, dataset.fields.length);
    segments.push(segment);
    rowCount += segment.timestamps.length;
  }
  return { dataset, segments, rowCount };
}

function toSegment(dataset: DatasetInfo, frame: SeriesFrame, index: number): WriteSegment {
  const where = `frame ${index}`;
  if (typeof frame.symbol !== 'string') throw invalidArgument(`${where} has no symbol`);
  validateSymbol(frame.symbol);
  const label = `${where} (${frame.symbol})`;
  const { timestamps, columns, fields } = frame;
  if (!(timestamps instanceof Float64Array)) throw invalidArgument(`${label}: timestamps must be a Float64Array`);
  if (!isArrayValue(fields) || !isArrayValue(columns)) throw invalidArgument(`${label}: fields and columns must be arrays`);
  if (columns.length !== fields.length) {
    throw invalidArgument(`${label} names ${fields.length} fields but carries ${columns.length} columns`);
  }
  const position = new Map<string, number>();
  fields.forEach((f, i) => {
    if (position.has(f)) throw invalidArgument(`${label} lists field ${f} twice`);
    if (!dataset.fields.includes(f)) {
      throw notFound(`${label}: unknown field ${JSON.stringify(f)} in dataset ${dataset.name}; it has ${dataset.fields.join(', ')}`);
    }
    position.set(f, i);
  });
  const missing = dataset.fields.filter((f) => !position.has(f));
  if (missing.length > 0) {
    throw invalidArgument(`${label} lacks field(s) ${missing.join(', ')}; a write must carry every field of dataset ${dataset.name}`);
  }
  const ordered = dataset.fields.map((f) => {
    const column = columns[position.get(f)!];
    if (!(column instanceof Float64Array)) throw invalidArgument(`${label}: column ${f} must be a Float64Array`);
    if (column.length !== timestamps.length) {
      throw invalidArgument(`${label}: column ${f} has ${column.length} values but there are ${timestamps.length} timestamps`);
    }
    return column;
  });
  checkTimestamps(timestamps, label);
  return { symbol: frame.symbol, timestamps, columns: ordered };
}

function checkTimestamps(ts: Float64Array, label: string): void {
  let previous = -Infinity;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (!Number.isSafeInteger(t)) {
      throw invalidArgument(`${label}: timestamp ${i} is ${t}; timestamps must be finite integer epoch milliseconds`);
    }
    if (t <= previous) {
      throw invalidArgument(`${label}: timestamps must be strictly increasing, but timestamp ${i} (${t}) follows ${previous}`);
    }
    previous = t;
  }
}

/** Merges segments of one symbol into one sorted segment; the later segment wins a shared timestamp. */
function mergeSegments(list: readonly WriteSegment[], fieldCount: number): WriteSegment {
  const winner = new Map<number, [segment: number, row: number]>();
  list.forEach((segment, s) => {
    for (let r = 0; r < segment.timestamps.length; r++) winner.set(segment.timestamps[r]!, [s, r]);
  });
  const times = [...winner.keys()].sort((a, b) => a - b);
  const timestamps = Float64Array.from(times);
  const columns = Array.from({ length: fieldCount }, () => new Float64Array(times.length));
  times.forEach((t, i) => {
    const [s, r] = winner.get(t)!;
    const source = list[s]!.columns;
    // Copy through a one-element subarray so NaN payloads survive bit for bit.
    for (let c = 0; c < fieldCount; c++) columns[c]!.set(source[c]!.subarray(r, r + 1), i);
  });
  return { symbol: list[0]!.symbol, timestamps, columns };
}

/**
 * How a store answers Store.writeChecked for a batch: the cover range as safe integer bounds (stored
 * timestamps are safe integers, writes check them), the span [first, last] of the batch's rows inside it,
 * and how many rows each symbol wrote there. The range holds exactly the written rows of a symbol when no
 * stored row of the batch's symbols lies in the range outside the span (one LIMIT 1 probe, which stops at
 * the first such row: a bar appended to a year of bars costs no count) and the symbol's stored rows in the
 * span number as many as it wrote there (every written row is stored, so equal counts mean no other).
 */
export interface CoverPlan {
  readonly start: number;
  readonly end: number;
  readonly first: number;
  readonly last: number;
  /** Rows written in the range, per symbol (symbols with none left out). */
  readonly written: ReadonlyMap<string, number>;
}

/** The plan for `batch` and `cover`; undefined when none of its rows lies in the range (nothing is covered). */
export function coverPlan(batch: WriteBatch, cover: TimeRange): CoverPlan | undefined {
  const start = Math.max(Math.floor(cover.start), Number.MIN_SAFE_INTEGER);
  const end = Math.min(Math.ceil(cover.end), Number.MAX_SAFE_INTEGER);
  let first = Infinity;
  let last = -Infinity;
  const written = new Map<string, number>();
  for (const segment of batch.segments) {
    let inRange = 0;
    for (const t of segment.timestamps) {
      if (t < start || t >= end) continue;
      inRange++;
      if (t < first) first = t;
      if (t > last) last = t;
    }
    if (inRange > 0) written.set(segment.symbol, inRange);
  }
  return first <= last ? { start, end, first, last, written } : undefined;
}

/** The two questions a store asks its table for a CoverPlan, inside the write's transaction, after writing. */
export interface CoverQueries {
  /** Is a row of the batch's symbols stored in the range outside the written span? */
  rowOutsideSpan(): Promise<boolean>;
  /** Rows stored inside the written span, per symbol. */
  rowsInSpan(): Promise<ReadonlyMap<string, number>>;
}

/** The symbols the range then holds exactly the written rows of (see CoverPlan); none without a plan. */
export async function checkCover(plan: CoverPlan | undefined, queriesFor: (plan: CoverPlan) => CoverQueries): Promise<Set<string>> {
  if (!plan) return new Set();
  const queries = queriesFor(plan);
  if (await queries.rowOutsideSpan()) return new Set();
  const stored = await queries.rowsInSpan();
  return new Set([...plan.written].filter(([symbol, rows]) => stored.get(symbol) === rows).map(([symbol]) => symbol));
}
