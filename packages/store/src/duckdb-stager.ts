import { DOUBLE, DuckDBDataChunk, DuckDBVector, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { clearStaging, CREATE_STAGING_SYMBOLS, createStaging, STAGING_SYMBOLS, stagingTable } from './duckdb-sql.js';
import { fillDoubles } from './duckdb-vectors.js';
import type { WriteBatch } from './write-batch.js';

/**
 * Loads a validated WriteBatch into the connection's TEMP staging tables with
 * the Appender, one full DuckDB data chunk at a time: a symbol-id column, the
 * timestamps and the field columns, all DOUBLE so each column is one memcpy.
 * Symbols go to a small side table keyed by symbol id.
 */
export class DuckDbStager {
  private readonly created = new Set<number>();

  constructor(private readonly connection: DuckDBConnection) {}

  async stage(batch: WriteBatch): Promise<void> {
    const fieldCount = batch.dataset.fields.length;
    await this.prepare(fieldCount);
    await this.appendSymbols(batch);
    const appender = await this.connection.createAppender(stagingTable(fieldCount), 'main', 'temp');
    try {
      appendRows(appender, batch);
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /** Empties the staging tables (their rows are not needed once upserted). */
  async clear(fieldCount: number): Promise<void> {
    for (const sql of clearStaging(fieldCount)) await this.connection.run(sql);
  }

  private async prepare(fieldCount: number): Promise<void> {
    if (!this.created.has(fieldCount)) {
      await this.connection.run(createStaging(fieldCount));
      await this.connection.run(CREATE_STAGING_SYMBOLS);
      this.created.add(fieldCount);
    }
    await this.clear(fieldCount);
  }

  private async appendSymbols(batch: WriteBatch): Promise<void> {
    const appender = await this.connection.createAppender(STAGING_SYMBOLS, 'main', 'temp');
    try {
      batch.segments.forEach((segment, sid) => {
        appender.appendInteger(sid);
        appender.appendVarchar(segment.symbol);
        appender.endRow();
      });
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }
}

function appendRows(appender: DuckDBAppender, batch: WriteBatch): void {
  const width = 2 + batch.dataset.fields.length;
  const capacity = DuckDBVector.standardSize();
  const types = Array.from({ length: width }, () => DOUBLE);
  const buffers = Array.from({ length: width }, () => new Float64Array(capacity));
  let filled = 0;
  const emit = (): void => {
    const chunk = DuckDBDataChunk.create(types, filled);
    for (let k = 0; k < width; k++) fillDoubles(chunk.getColumnVector(k), buffers[k]!.subarray(0, filled));
    appender.appendDataChunk(chunk);
    filled = 0;
  };
  batch.segments.forEach((segment, sid) => {
    const n = segment.timestamps.length;
    let from = 0;
    while (from < n) {
      const take = Math.min(capacity - filled, n - from);
      buffers[0]!.fill(sid, filled, filled + take);
      buffers[1]!.set(segment.timestamps.subarray(from, from + take), filled);
      for (let c = 0; c < segment.columns.length; c++) {
        buffers[c + 2]!.set(segment.columns[c]!.subarray(from, from + take), filled);
      }
      filled += take;
      from += take;
      if (filled === capacity) emit();
    }
  });
  if (filled > 0) emit();
}
