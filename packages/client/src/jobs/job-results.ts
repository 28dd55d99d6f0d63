import { failedPrecondition, invalidArgument, type SeriesFrame } from '@florin/core';
import type { CallOptions } from '@florin/core';
import type { SeriesQuery } from '@florin/core';
import type { WatchOptions } from './job-event-stream.js';
import type { Job } from './job-types.js';

/**
 * What JobsClient needs of the data plane: resolving a whole-dataset universe
 * and reading what jobs published. DataClient (through the head nodes) is one.
 */
export interface JobData {
  read(query: SeriesQuery, options?: CallOptions): Promise<SeriesFrame[]>;
  listSymbols(dataset: string, options?: CallOptions): Promise<string[]>;
}

/** Options of JobHandle.results(). */
export interface JobResultsOptions extends WatchOptions {
  /**
   * The dataset to read. Default: the job's outputDataset, which the
   * coordinator resolves at submit (the one submitted, else the unit's own
   * output dataset), so it is only needed to read another dataset.
   */
  dataset?: string;
  /** Fields to return, in this order. Default: every field of the dataset. */
  fields?: readonly string[];
  /** Only these symbols of the universe, in this order. Default: the job's whole universe, in its order. */
  symbols?: readonly string[];
  /**
   * true (default): wait until the job is terminal, and reject like result()
   * when it failed or was cancelled. false: read what is published so far.
   */
  wait?: boolean;
  /** Time each read may take, in ms. Default: the data client's limits.defaultDeadlineMs. */
  deadlineMs?: number;
}

const CONNECT_HINT = 'create the client with connect({ heads, coordinator }) so its JobsClient can read through the head nodes';

/**
 * Reads a job's published rows: its output dataset, over its universe and
 * range, through the data plane, in batches of at most `batchSymbols` symbols
 * (each one read of the owning head nodes).
 */
export class JobResultsReader {
  constructor(
    private readonly data: JobData | undefined,
    private readonly batchSymbols: number,
  ) {
    if (!Number.isSafeInteger(batchSymbols) || batchSymbols < 1) throw new TypeError(`batchSymbols must be a positive integer, got ${batchSymbols}`);
  }

  /**
   * The dataset results() reads, checked before any waiting: FAILED_PRECONDITION
   * without a data client, or when neither the options nor the job name one
   * (only a job recorded by a coordinator that predates resolved output datasets).
   */
  datasetOf(job: Job, options: Pick<JobResultsOptions, 'dataset'> = {}): string {
    if (!this.data) throw failedPrecondition(`cannot read the results of job ${job.jobId}: this JobsClient has no data client; ${CONNECT_HINT}`);
    const dataset = options.dataset || job.outputDataset;
    if (!dataset) {
      throw failedPrecondition(
        `job ${job.jobId} records no output dataset (it was submitted to an older coordinator): ` +
          `pass results({ dataset }) naming the dataset unit ${job.unit} publishes into (its output.dataset)`,
      );
    }
    return dataset;
  }

  /** One frame per symbol (empty when the job published nothing for it), columns in `fields` order. */
  async read(job: Job, options: JobResultsOptions = {}): Promise<SeriesFrame[]> {
    const dataset = this.datasetOf(job, options);
    const symbols = options.symbols ? [...new Set(options.symbols)] : job.symbols;
    if (options.symbols) {
      const universe = new Set(job.symbols);
      const foreign = symbols.filter((s) => !universe.has(s));
      if (foreign.length > 0) throw invalidArgument(`symbols ${foreign.slice(0, 5).join(', ')} are not in the universe of job ${job.jobId}`);
    }
    const call: CallOptions = { signal: options.signal, deadlineMs: options.deadlineMs };
    const frames: SeriesFrame[] = [];
    for (let from = 0; from < symbols.length; from += this.batchSymbols) {
      const batch = symbols.slice(from, from + this.batchSymbols);
      const query: SeriesQuery = { dataset, symbols: batch, range: { start: job.startMs, end: job.endMs } };
      if (options.fields) query.fields = options.fields;
      frames.push(...(await this.data!.read(query, call)));
    }
    return frames;
  }
}
