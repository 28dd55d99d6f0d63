import { createReadStream } from 'node:fs';
import { parse, type CsvError } from 'csv-parse';
import { invalidArgument } from '@florin/core';
import type { RowSource, SourceFault, SourceRow } from './import-source.js';

interface ParsedRecord {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

/**
 * Streams a CSV file (csv-parse): the first record is the header. Records of
 * any length are passed on (the validator reports wrong column counts);
 * records csv-parse cannot read (e.g. an unclosed quote) become faults. Line
 * numbers are 1-based file lines, the header being line 1; a record spanning
 * several lines (quoted newlines) reports its last line.
 */
export async function openCsv(file: string): Promise<RowSource> {
  const faults: SourceFault[] = [];
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      trim: true,
      on_skip: (err: CsvError | undefined) => {
        faults.push({ line: Number((err as { lines?: number } | undefined)?.lines ?? 0), fault: `malformed CSV: ${err?.message ?? 'unreadable record'}` });
        return undefined;
      },
    }),
  );
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<ParsedRecord>;
  const first = await iterator.next();
  if (first.done) throw invalidArgument(`${file} is empty: expected a header line (symbol, date or ts, then field names)`);
  const header = first.value.record;

  async function* rows(): AsyncGenerator<SourceRow | SourceFault> {
    for (;;) {
      const next = await iterator.next();
      while (faults.length > 0) yield faults.shift()!;
      if (next.done) return;
      yield { line: next.value.info.lines, values: next.value.record };
    }
  }
  return {
    header,
    rows,
    close: async () => {
      parser.destroy();
    },
  };
}
