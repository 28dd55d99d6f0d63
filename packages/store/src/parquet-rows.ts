import { DuckDBInstance, DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from './sql-names.js';
import type { RowSource, SourceRow, SourceValue } from './import-source.js';

const TIMESTAMPS = new Set<DuckDBTypeId>([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.TIMESTAMP_TZ,
]);
const NUMBERS = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.DECIMAL,
]);

/**
 * Reads a Parquet file through an in-memory DuckDB (read_parquet). Each column
 * is selected as what the validator understands: DATE and TIMESTAMP columns
 * as epoch milliseconds, numeric columns as DOUBLE, text as text, anything
 * else as its text form. Rows are numbered from 1 in file order.
 */
export async function openParquet(file: string, timeColumn: (header: readonly string[]) => string | undefined): Promise<RowSource> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const close = async (): Promise<void> => {
    connection.disconnectSync();
    instance.closeSync();
  };
  try {
    const source = `read_parquet(${quoteLiteral(file)})`;
    const probe = await connection.run(`SELECT * FROM ${source} LIMIT 0`);
    const header = probe.columnNames();
    const types = probe.columnTypes();
    const time = timeColumn(header);
    const columns = header.map((name, i) => selectAs(quoteIdent(name), types[i]!, name === time));

    async function* rows(): AsyncGenerator<SourceRow> {
      const result = await connection.stream(`SELECT ${columns.join(', ')} FROM ${source}`);
      let line = 0;
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) return;
        for (const values of chunk.getRows()) yield { line: ++line, values: values as SourceValue[] };
      }
    }
    return { header, rows, close };
  } catch (err) {
    await close();
    throw err;
  }
}

function selectAs(column: string, type: DuckDBType, isTime: boolean): string {
  const id = type.typeId;
  if (isTime && id === DuckDBTypeId.DATE) return `epoch_ms(${column}::TIMESTAMP)::DOUBLE`;
  if (isTime && TIMESTAMPS.has(id)) return `epoch_ms(${column})::DOUBLE`;
  if (NUMBERS.has(id)) return `${column}::DOUBLE`;
  if (id === DuckDBTypeId.VARCHAR) return column;
  return `${column}::VARCHAR`;
}
