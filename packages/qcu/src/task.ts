import type { TimeRange } from '@florin/core';
import type { Json } from './params.js';

/**
 * One leased piece of a job: some symbols of the job's input dataset over one
 * range. A retried task has the same taskId and a higher attempt (the attempt
 * grows each time the task is leased); its rows are upserted by (symbol, ts),
 * so a retry overwrites, never duplicates.
 */
export interface Task<P = Readonly<Record<string, unknown>>> {
  readonly jobId: string;
  readonly taskId: string;
  /** The task's position in its job (tasks are consecutive slices of the job's symbols). */
  readonly index: number;
  /** 1 for the first run of this task, 2 for the first retry, ... */
  readonly attempt: number;
  /** The unit this task runs. */
  readonly unit: string;
  /** The job's input dataset. */
  readonly dataset: string;
  readonly symbols: readonly string[];
  readonly range: TimeRange;
  /** The job's params, validated against the unit's schema with defaults filled in. */
  readonly params: P;
}

/** What the final step knows about its job: the whole universe and range. */
export interface JobInfo<P = Readonly<Record<string, unknown>>> {
  readonly jobId: string;
  readonly unit: string;
  readonly dataset: string;
  readonly symbols: readonly string[];
  readonly range: TimeRange;
  readonly params: P;
  /** 1 for the first run of the final step, 2 for its first retry, ... */
  readonly attempt: number;
  /** Every regular task's result (what its `run` returned), in task order. */
  readonly parts: readonly { readonly index: number; readonly result: Json }[];
}
