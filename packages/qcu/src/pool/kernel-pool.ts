import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { FlorinError, failedPrecondition, resourceExhausted } from '@florin/core';
import type { Kernel } from './kernel.js';

/**
 * A pool of worker threads that run compute kernels, so CPU-heavy unit code
 * never blocks the QCU's event loop (leases keep being heartbeated while a
 * kernel runs). Backed by piscina: a FIFO queue, one run per thread, typed-array
 * buffers transferred both ways, and cancellation of a running CPU-bound kernel
 * by terminating its thread (piscina replaces it).
 *
 * Measured against the hand-written pool it replaced, in the same run
 * (`npm run bench:kernels -- --rounds 30`: the momentum kernel over 500 series
 * of 2,520 closes, 2 threads; 2-core machine shared with other work, load
 * 12-18, so wall times are noisy). The demo's shape, 21 runs of 24 series a
 * pass: piscina within noise (median wall -32% to +31% over six runs, process
 * CPU +3% to +6%, interquartile ranges overlapping). 500 runs of one series a
 * pass: piscina costs more, about 20-35 us of CPU per run (CPU +7% to +27%;
 * wall +17% to +165%), its per-task bookkeeping; kernels here take
 * milliseconds, so units that batch series per run (as the examples do) do not
 * see it.
 */
export interface KernelPoolOptions {
  /** Worker threads, started on first use (or warm()). 0 runs kernels inline on the calling thread. Default: availableParallelism() - 1, at least 1. */
  threads?: number;
  /** Most runs waiting for a thread; past it `run` rejects with RESOURCE_EXHAUSTED. Default 10000. */
  maxQueue?: number;
}

export type KernelPoolState = 'open' | 'closed';

export interface KernelRunOptions {
  /** Aborting removes a queued run, or terminates the thread of a running one; the run rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The task handler the worker threads load (outside src/ and dist/, at the same depth from both). */
const KERNEL_WORKER = fileURLToPath(new URL('../../kernel-worker.cjs', import.meta.url));

interface KernelTask {
  name: string;
  source: string;
  buffer: ArrayBuffer;
  lengths: number[];
  params: unknown;
}

type KernelReply = { ok: true; outputs: Float64Array[] } | { ok: false; error: { name: string; message: string; stack?: string } };

export class KernelPool {
  readonly threads: number;
  private readonly maxQueue: number;
  private piscina: Piscina<KernelTask, KernelReply> | undefined;
  /** Runs submitted and not settled: each one's reject, so close() can fail them. */
  private readonly pending = new Set<(err: unknown) => void>();
  private stateValue: KernelPoolState = 'open';

  constructor(options: KernelPoolOptions = {}) {
    const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    if (!Number.isSafeInteger(threads) || threads < 0) throw new TypeError(`KernelPool threads must be an integer >= 0, got ${threads}`);
    const maxQueue = options.maxQueue ?? 10_000;
    if (!Number.isSafeInteger(maxQueue) || maxQueue < 1) throw new TypeError(`KernelPool maxQueue must be an integer >= 1, got ${maxQueue}`);
    this.threads = threads;
    this.maxQueue = maxQueue;
  }

  get state(): KernelPoolState {
    return this.stateValue;
  }

  /** Threads started, runs on a thread, and runs waiting for one. */
  stats(): { threads: number; busy: number; queued: number } {
    const threads = this.piscina?.threads.length ?? 0;
    const busy = Math.min(this.pending.size, this.threads);
    return { threads, busy, queued: this.pending.size - busy };
  }

  /**
   * Runs `kernel(inputs, params)` on a worker thread. Inputs are copied into
   * one fresh buffer that is transferred (the caller's arrays stay usable);
   * outputs come back transferred, without a copy.
   */
  run<P>(kernel: Kernel<P>, inputs: readonly Float64Array[], params: P, options: KernelRunOptions = {}): Promise<Float64Array[]> {
    if (this.stateValue === 'closed') return Promise.reject(failedPrecondition('KernelPool is closed'));
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.threads === 0) return runInline(kernel, inputs, params);
    if (this.pending.size - this.threads >= this.maxQueue) {
      return Promise.reject(resourceExhausted(`KernelPool queue is full (${this.maxQueue} runs waiting); lower the unit's concurrency`));
    }
    const piscina = this.start();
    const { buffer, lengths } = pack(inputs);
    const task: KernelTask = { name: kernel.name, source: kernel.source, buffer, lengths, params };
    return new Promise<Float64Array[]>((resolve, reject) => {
      let settled = false;
      const fail = (err: unknown): void => {
        if (settled) return;
        settled = true;
        this.pending.delete(fail);
        reject(err);
      };
      this.pending.add(fail);
      piscina.run(task, { transferList: [buffer], ...(signal ? { signal } : {}) }).then(
        (reply) => {
          if (settled) return;
          if (!reply.ok) return fail(kernelError(kernel.name, reply.error));
          settled = true;
          this.pending.delete(fail);
          resolve(reply.outputs);
        },
        (err: unknown) => fail(runError(kernel.name, err, signal)),
      );
    });
  }

  /**
   * Starts every thread now rather than on first use, so the first kernels of
   * a worker do not wait for thread start-up (tens of ms each, more on a busy
   * machine). Idle threads never hold the process open. Idempotent.
   */
  warm(): void {
    if (this.stateValue === 'closed' || this.threads === 0) return;
    this.start();
  }

  /** Rejects queued and running kernels with FAILED_PRECONDITION and terminates every thread. Idempotent. */
  async close(): Promise<void> {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    const closed = failedPrecondition('KernelPool closed while the kernel was queued or running');
    for (const fail of [...this.pending]) fail(closed);
    const piscina = this.piscina;
    this.piscina = undefined;
    await piscina?.destroy();
  }

  private start(): Piscina<KernelTask, KernelReply> {
    this.piscina ??= new Piscina<KernelTask, KernelReply>({
      filename: KERNEL_WORKER,
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: Infinity,
      maxQueue: this.maxQueue,
      concurrentTasksPerWorker: 1,
    });
    return this.piscina;
  }
}

/** Copies the inputs back to back into one fresh ArrayBuffer (transferable, unlike pooled Buffer memory). */
function pack(inputs: readonly Float64Array[]): { buffer: ArrayBuffer; lengths: number[] } {
  let total = 0;
  for (const a of inputs) total += a.length;
  const packed = new Float64Array(total);
  const lengths: number[] = [];
  let at = 0;
  for (const a of inputs) {
    packed.set(a, at);
    at += a.length;
    lengths.push(a.length);
  }
  return { buffer: packed.buffer, lengths };
}

async function runInline<P>(kernel: Kernel<P>, inputs: readonly Float64Array[], params: P): Promise<Float64Array[]> {
  const result = kernel.fn(inputs.map((a) => a.slice()), params);
  if (!Array.isArray(result) || !result.every((a) => a instanceof Float64Array)) {
    throw new TypeError(`kernel ${kernel.name} must return an array of Float64Array`);
  }
  return result;
}

function kernelError(name: string, e: { name: string; message: string; stack?: string }): Error {
  const err = new Error(`kernel ${name} failed: ${e.message}`);
  err.name = e.name;
  if (e.stack) err.stack = `${err.name}: ${err.message}\n${e.stack.split('\n').slice(1).join('\n')}`;
  return err;
}

/** What a rejection from piscina means for the run: cancelled, params not cloneable, or a crashed thread. */
function runError(name: string, err: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return abortReason(signal);
  const e = err instanceof Error ? err : new Error(String(err));
  if (e.name === 'DataCloneError') return new FlorinError('INVALID_ARGUMENT', `kernel ${name}: params cannot be sent to a worker thread: ${e.message}`);
  if (/queue is at limit/i.test(e.message)) return resourceExhausted(`KernelPool queue is full; lower the unit's concurrency`);
  return new FlorinError('INTERNAL', `kernel ${name} crashed its worker thread: ${e.message}`, { cause: e });
}

function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new FlorinError('CANCELLED', 'kernel run cancelled');
}
