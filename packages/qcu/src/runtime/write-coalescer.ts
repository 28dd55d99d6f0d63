import { FlorinError, failedPrecondition, rowBytes, type SeriesFrame } from '@florin/core';
import type { WriteOptions } from '@florin/core';
import type { DataPort } from '../data-port.js';

/** Options of a WriteCoalescer. */
export interface WriteCoalescerOptions {
  /** Most bytes (rows x (1 + fields) x 8) merged into one write. Default 8 MiB (a Publisher's flushBytes). */
  maxBatchBytes?: number;
  /** Most symbols merged into one write. Default 1000 (a Publisher's flushSymbols). */
  maxBatchSymbols?: number;
}

/** Errors a single caller's rows can cause: a merged write that fails with one is retried caller by caller. */
const DATA_ERRORS = new Set(['INVALID_ARGUMENT', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED']);

/** One caller's write, waiting to go out (possibly merged with others). */
interface Contribution {
  readonly frames: readonly SeriesFrame[];
  readonly rows: number;
  /** The write grants of the caller's lease (sent with every write that carries its rows). */
  readonly grants: readonly string[];
  settled: boolean;
  readonly settle: (err: unknown, rows?: number) => void;
}

interface Batch {
  readonly contributions: Contribution[];
  readonly symbols: Set<string>;
  bytes: number;
}

/** The writes of one (dataset, job, fields): at most one in flight, the rest merged behind it. */
interface Lane {
  readonly dataset: string;
  readonly fields: readonly string[];
  readonly jobId: string;
  readonly queue: Batch[];
  busy: boolean;
}

/**
 * Group commit for a QCU's published rows. Each shard writes one request at
 * a time, and a store upsert costs a fixed part (scanning the dataset's
 * index for existing keys, committing) on top of its rows, so a worker whose
 * concurrent tasks each wrote their own few symbols queued many small writes
 * behind each other. A WriteCoalescer keeps at most one write in flight per
 * (dataset, job, fields) and merges every write that arrives meanwhile into
 * the next one (bounded by maxBatchBytes and maxBatchSymbols), so the
 * cluster sees a few large writes instead. Each caller's promise settles with
 * the write that carried its rows; its rows never share a write with another
 * job's (a write records one job id). A symbol a batch already holds starts
 * a new batch, so the order of two writes of one key is kept. A merged write
 * that fails for a data reason (INVALID_ARGUMENT, ...) is retried caller by
 * caller, so one task's bad rows fail only that task.
 *
 * A caller that aborts (options.signal) stops waiting at once; its rows are
 * dropped if they were not sent yet (a write already sent still completes for
 * the others: writes are upserts, so rows landing late are harmless).
 */
export class WriteCoalescer implements Pick<DataPort, 'write'> {
  private readonly lanes = new Map<string, Lane>();
  private readonly stopped = new AbortController();
  private readonly maxBatchBytes: number;
  private readonly maxBatchSymbols: number;

  constructor(
    private readonly port: Pick<DataPort, 'write'>,
    options: WriteCoalescerOptions = {},
  ) {
    this.maxBatchBytes = positive(options.maxBatchBytes ?? 8 * 1024 * 1024, 'maxBatchBytes');
    this.maxBatchSymbols = positive(options.maxBatchSymbols ?? 1000, 'maxBatchSymbols');
  }

  /** Writes `frames` (merged with other callers' when a write of the same lane is in flight); resolves the rows written. */
  write(dataset: string, fields: readonly string[], frames: readonly SeriesFrame[], options: WriteOptions = {}): Promise<number> {
    if (this.stopped.signal.aborted) return Promise.reject(failedPrecondition('WriteCoalescer is closed'));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (frames.length === 0) return Promise.resolve(0);
    const jobId = options.jobId ?? '';
    const key = `${dataset}\u0000${jobId}\u0000${fields.join(',')}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { dataset, fields: [...fields], jobId, queue: [], busy: false };
      this.lanes.set(key, lane);
    }
    return new Promise<number>((resolve, reject) => {
      let onAbort: (() => void) | undefined;
      const contribution: Contribution = {
        frames,
        rows: frames.reduce((n, f) => n + f.timestamps.length, 0),
        grants: options.grants ?? [],
        settled: false,
        settle: (err, rows) => {
          if (contribution.settled) return;
          contribution.settled = true;
          if (onAbort) signal!.removeEventListener('abort', onAbort);
          if (err === undefined) resolve(rows!);
          else reject(err);
        },
      };
      if (signal) {
        onAbort = () => contribution.settle(abortReason(signal));
        signal.addEventListener('abort', onAbort, { once: true });
      }
      this.enqueue(lane, contribution);
      this.pump(key, lane);
    });
  }

  /** Stops taking writes, rejects the queued ones and cancels those in flight. Idempotent. */
  close(): void {
    if (this.stopped.signal.aborted) return;
    this.stopped.abort(failedPrecondition('WriteCoalescer closed while the write was queued or in flight'));
    const reason = this.stopped.signal.reason as unknown;
    for (const lane of this.lanes.values()) for (const batch of lane.queue.splice(0)) for (const c of batch.contributions) c.settle(reason);
    this.lanes.clear();
  }

  private enqueue(lane: Lane, contribution: Contribution): void {
    const bytes = contribution.rows * rowBytes(lane.fields.length);
    const symbols = contribution.frames.map((f) => f.symbol);
    const last = lane.queue.at(-1);
    const fits =
      last !== undefined &&
      last.bytes + bytes <= this.maxBatchBytes &&
      last.symbols.size + symbols.length <= this.maxBatchSymbols &&
      !symbols.some((s) => last.symbols.has(s));
    const batch = fits ? last : { contributions: [], symbols: new Set<string>(), bytes: 0 };
    if (!fits) lane.queue.push(batch);
    batch.contributions.push(contribution);
    for (const s of symbols) batch.symbols.add(s);
    batch.bytes += bytes;
  }

  private pump(key: string, lane: Lane): void {
    if (lane.busy) return;
    const batch = lane.queue.shift();
    if (!batch) {
      if (this.lanes.get(key) === lane) this.lanes.delete(key);
      return;
    }
    lane.busy = true;
    void this.send(lane, batch).finally(() => {
      lane.busy = false;
      this.pump(key, lane);
    });
  }

  private async send(lane: Lane, batch: Batch): Promise<void> {
    const live = batch.contributions.filter((c) => !c.settled);
    if (live.length === 0) return;
    try {
      await this.writeOf(lane, live.flatMap((c) => c.frames), grantsOf(live));
      for (const c of live) c.settle(undefined, c.rows);
    } catch (err) {
      const isolate = live.length > 1 && err instanceof FlorinError && DATA_ERRORS.has(err.code) && !this.stopped.signal.aborted;
      if (!isolate) {
        for (const c of live) c.settle(err);
        return;
      }
      for (const c of live) {
        if (c.settled) continue;
        await this.writeOf(lane, c.frames, c.grants).then(
          () => c.settle(undefined, c.rows),
          (e: unknown) => c.settle(e),
        );
      }
    }
  }

  private writeOf(lane: Lane, frames: readonly SeriesFrame[], grants: readonly string[]): Promise<number> {
    return this.port.write(lane.dataset, lane.fields, frames, { jobId: lane.jobId || undefined, signal: this.stopped.signal, ...(grants.length > 0 ? { grants } : {}) });
  }
}

/** The distinct grants of merged contributions (tasks of one job leased together share theirs). */
function grantsOf(contributions: readonly Contribution[]): string[] {
  const grants = new Set<string>();
  for (const c of contributions) for (const g of c.grants) grants.add(g);
  return [...grants];
}

function positive(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`WriteCoalescer option ${name} must be a positive integer, got ${String(value)}`);
  return value;
}

function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new FlorinError('CANCELLED', 'write cancelled');
}
