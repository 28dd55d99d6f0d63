import { endianness } from 'node:os';
import type { WriteSegment } from './write-batch.js';

const SWAP = endianness() === 'LE';

/**
 * Decodes rows of big-endian binary (int8 ts, then `fieldCount` float8s, as
 * selectSeries sends them) into columns. Values move as 32-bit word pairs, so
 * every bit (NaN payloads included) is kept; timestamps are rebuilt from their
 * two words, exact for any safe integer.
 */
export function decodeRows(bytes: Buffer, fieldCount: number): { timestamps: Float64Array; columns: Float64Array[] } {
  const width = fieldCount + 1;
  const rows = bytes.length / (8 * width);
  const aligned = new Uint32Array((rows * width * 2));
  const view = Buffer.from(aligned.buffer, aligned.byteOffset, aligned.byteLength);
  view.set(bytes);
  if (SWAP) view.swap64();
  const signed = new Int32Array(aligned.buffer);
  const [lo, hi] = SWAP ? [0, 1] : [1, 0];
  const timestamps = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const at = 2 * r * width;
    timestamps[r] = signed[at + hi]! * 4294967296 + aligned[at + lo]!;
  }
  const columns = Array.from({ length: fieldCount }, (_, c) => {
    const column = new Float64Array(rows);
    const words = new Uint32Array(column.buffer);
    for (let r = 0; r < rows; r++) {
      const at = 2 * (r * width + c + 1);
      words[2 * r] = aligned[at]!;
      words[2 * r + 1] = aligned[at + 1]!;
    }
    return column;
  });
  return { timestamps, columns };
}

/**
 * PostgreSQL's text form of a float8 that parses back to the same double:
 * JavaScript's shortest round-trip form, with the sign of -0 kept (String(-0)
 * is "0"). NaN and the infinities use the spellings float8in accepts.
 */
export function float8Text(value: number): string {
  return value === 0 && Object.is(value, -0) ? '-0' : String(value);
}

/** One upsert statement's worth of rows, as array literals: symbols, timestamps and each field. */
export interface RowArrays {
  readonly rows: number;
  readonly literals: string[];
}

/**
 * Cuts segments into slices of at most `batchRows` rows and renders each as
 * PostgreSQL array literals ({...}), the parameters of one unnest() upsert.
 */
export function* arrayBatches(segments: readonly WriteSegment[], fieldCount: number, batchRows: number): Generator<RowArrays> {
  let symbols: string[] = [];
  let ts: string[] = [];
  let fields: string[][] = Array.from({ length: fieldCount }, () => []);
  const flush = (): RowArrays => {
    const literals = [arrayLiteral(symbols), arrayLiteral(ts), ...fields.map(arrayLiteral)];
    const batch = { rows: ts.length, literals };
    symbols = [];
    ts = [];
    fields = Array.from({ length: fieldCount }, () => []);
    return batch;
  };
  for (const segment of segments) {
    const quoted = `"${segment.symbol.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
    for (let r = 0; r < segment.timestamps.length; r++) {
      symbols.push(quoted);
      ts.push(String(segment.timestamps[r]!));
      for (let c = 0; c < fieldCount; c++) fields[c]!.push(float8Text(segment.columns[c]![r]!));
      if (ts.length === batchRows) yield flush();
    }
  }
  if (ts.length > 0) yield flush();
}

function arrayLiteral(items: readonly string[]): string {
  return `{${items.join(',')}}`;
}
