import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { SeriesFrame, TimeRange } from '@florin/core';
import { DuckDbStore, PartitionedStore } from '@florin/store';
import { publishableRows } from '@florin/qcu';
import { MOMENTUM_FIELDS, momentumKernel, runBacktest, type BacktestResult } from '@florin/examples';

/** What the single-process baseline measured. */
export interface BaselineRun {
  readonly ms: number;
  readonly phases: { readonly readMs: number; readonly computeMs: number; readonly writeMs: number; readonly backtestMs: number };
  readonly rows: number;
  readonly result: BacktestResult;
}

export interface BaselineJob {
  /** The shard DuckDB files of the market (read as one store split by the partition function, as the shards do). */
  readonly shardFiles: readonly string[];
  readonly dataset: string;
  readonly range: TimeRange;
  /** Where the signal table is written (a fresh DuckDB file). */
  readonly dir: string;
  readonly lookback: number;
  readonly skip: number;
  readonly quantile: number;
}

/**
 * The momentum job as one process would do it: read every symbol's closes
 * from the same DuckDB files, compute the same per-day signal with the same
 * kernel (inline, on this thread), keep the rows the unit would publish,
 * append them to a DuckDB table with the Appender, and run the same backtest
 * on them. Timed from the first read to the backtest's result.
 */
export async function runBaselineJob(job: BaselineJob): Promise<BaselineRun> {
  const store = new PartitionedStore(job.shardFiles.map((path) => new DuckDbStore({ path })));
  const instance = await DuckDBInstance.create(join(job.dir, 'baseline-signal.duckdb'));
  const connection = await instance.connect();
  try {
    await store.open();
    const started = performance.now();
    const symbols = await store.symbols(job.dataset);
    const frames = await store.read({ dataset: job.dataset, symbols, fields: ['close'], range: job.range });
    const read = performance.now();
    const closes = frames.map((f) => f.columns[0]!);
    const outputs = momentumKernel.fn(closes, { lookback: job.lookback, skip: job.skip });
    const signal: SeriesFrame[] = frames.map((f, s) => publishableRows(f.symbol, MOMENTUM_FIELDS, f.timestamps, [outputs[2 * s]!, outputs[2 * s + 1]!], job.range));
    const computed = performance.now();
    const rows = await appendSignal(connection, signal);
    const written = performance.now();
    const result = await runBacktest(signal, { quantile: job.quantile }, async (kernel, inputs, params) => kernel.fn([...inputs], params));
    const done = performance.now();
    return {
      ms: done - started,
      phases: { readMs: read - started, computeMs: computed - read, writeMs: written - computed, backtestMs: done - written },
      rows,
      result,
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
    await store.close();
  }
}

/** Appends the signal rows (symbol, ts, momentum, ret) to a new table with DuckDB's Appender, row by row as its docs show; resolves the rows. */
async function appendSignal(connection: DuckDBConnection, frames: readonly SeriesFrame[]): Promise<number> {
  await connection.run('CREATE OR REPLACE TABLE momentum_signal (symbol VARCHAR, ts BIGINT, momentum DOUBLE, ret DOUBLE)');
  const appender = await connection.createAppender('momentum_signal');
  let rows = 0;
  try {
    for (const f of frames) {
      const [momentum, ret] = f.columns;
      for (let i = 0; i < f.timestamps.length; i++) {
        appender.appendVarchar(f.symbol);
        appender.appendBigInt(BigInt(f.timestamps[i]!));
        appender.appendDouble(momentum![i]!);
        appender.appendDouble(ret![i]!);
        appender.endRow();
      }
      rows += f.timestamps.length;
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return rows;
}
