/** A cell as a row source yields it: text (CSV, or text columns of Parquet), a number (typed Parquet columns) or null. */
export type SourceValue = string | number | null;

/** One data row of an import file, with its line number (CSV) or 1-based row number (Parquet). */
export interface SourceRow {
  readonly line: number;
  readonly values: readonly SourceValue[];
}

/** A row the source could not even split into cells (e.g. an unclosed CSV quote). */
export interface SourceFault {
  readonly line: number;
  readonly fault: string;
}

/** A file opened for import: its header, then its rows. */
export interface RowSource {
  readonly header: readonly string[];
  rows(): AsyncIterable<SourceRow | SourceFault>;
  close(): Promise<void>;
}
