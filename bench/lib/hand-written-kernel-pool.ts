// The hand-written kernel pool that @florin/qcu used before piscina (commit 1be7f47), kept only as
// the baseline of bench/kernel-pool.ts. Not used by any package.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { FlorinError, failedPrecondition, resourceExhausted } from '@florin/core';
import type { Kernel } from '@florin/qcu';
import { KERNEL_WORKER_SOURCE } from './hand-written-worker-source.js';

/**
 * A small pool of worker threads that run compute kernels, so CPU-heavy unit
 * code never blocks the QCU's event loop (leases keep being heartbeated while a
 * kernel runs). Hand-written rather than piscina/workerpool: neither is a
 * dependency here, and the pool needs only ~150 lines: a FIFO queue, one
 * request per thread, transfer of typed-array buffers, and cancellation by
 * terminating the thread (the only way to stop a CPU-bound kernel).
 */
export interface KernelPoolOptions {
  /** Worker threads, started lazily. 0 runs kernels inline on the calling thread. Default: availableParallelism() - 1, at least 1. */
  threads?: number;
  /** Most runs waiting for a thread; past it `run` rejects with RESOURCE_EXHAUSTED. Default 10000. */
  maxQueue?: number;
}

export type KernelPoolState = 'open' | 'closed';

export interface KernelRunOptions {
  /** Aborting removes a queued run, or terminates the thread of a running one; the run rejects with the signal's reason. */
  signal?: AbortSignal;
}

interface Run {
  readonly kernel: Kernel<unknown>;
  readonly inputs: readonly Float64Array[];
  readonly params: unknown;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (outputs: Float64Array[]) => void;
  readonly reject: (err: unknown) => void;
  detach: () => void;
}

interface Thread {
  readonly worker: Worker;
  run: Run | undefined;
  nextId: number;
}

type Reply = { id: number; ok: true; outputs: Float64Array[] } | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

export class HandWrittenKernelPool {
  readonly threads: number;
  private readonly maxQueue: number;
  private readonly queue: Run[] = [];
  private readonly live = new Set<Thread>();
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

  /** Threads running a kernel, and runs waiting for one. */
  stats(): { threads: number; busy: number; queued: number } {
    let busy = 0;
    for (const t of this.live) if (t.run) busy++;
    return { threads: this.live.size, busy, queued: this.queue.length };
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
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(resourceExhausted(`KernelPool queue is full (${this.maxQueue} runs waiting); lower the unit's concurrency`));
    }
    return new Promise<Float64Array[]>((resolve, reject) => {
      const run: Run = { kernel: kernel as Kernel<unknown>, inputs, params, signal, resolve, reject, detach: () => undefined };
      if (signal) {
        const onAbort = (): void => this.abort(run);
        signal.addEventListener('abort', onAbort, { once: true });
        run.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(run);
      this.dispatch();
    });
  }

  /**
   * Starts every thread now rather than on first use, so the first kernels of
   * a worker do not wait for thread start-up (tens of ms each, more on a busy
   * machine). Idle threads never hold the process open. Idempotent.
   */
  warm(): void {
    if (this.stateValue === 'closed') return;
    while (this.live.size < this.threads) this.spawn();
  }

  /** Rejects queued and running kernels with FAILED_PRECONDITION and terminates every thread. Idempotent. */
  async close(): Promise<void> {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    const closed = failedPrecondition('KernelPool closed while the kernel was queued or running');
    for (const run of this.queue.splice(0)) settle(run, closed);
    const threads = [...this.live];
    this.live.clear();
    await Promise.all(
      threads.map((t) => {
        if (t.run) settle(t.run, closed);
        t.run = undefined;
        return t.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const thread = this.idleThread();
      if (!thread) return;
      const run = this.queue.shift()!;
      thread.run = run;
      thread.worker.ref(); // a busy thread keeps the process alive until its run settles
      const { buffer, lengths } = pack(run.inputs);
      const request = { id: ++thread.nextId, name: run.kernel.name, source: run.kernel.source, buffer, lengths, params: run.params };
      try {
        thread.worker.postMessage(request, [buffer]);
      } catch (err) {
        // params that cannot be structured-cloned (functions, symbols): the run fails, the thread stays usable.
        thread.run = undefined;
        thread.worker.unref();
        settle(run, new FlorinError('INVALID_ARGUMENT', `kernel ${run.kernel.name}: params cannot be sent to a worker thread: ${(err as Error).message}`));
      }
    }
  }

  private idleThread(): Thread | undefined {
    for (const t of this.live) if (!t.run) return t;
    if (this.live.size >= this.threads) return undefined;
    return this.spawn();
  }

  private spawn(): Thread {
    const worker = new Worker(KERNEL_WORKER_SOURCE, { eval: true, name: 'florin-kernel' });
    const thread: Thread = { worker, run: undefined, nextId: 0 };
    worker.unref(); // an idle pool never holds the process open
    worker.on('message', (reply: Reply) => {
      const run = thread.run;
      if (!run || reply.id !== thread.nextId) return;
      thread.run = undefined;
      worker.unref();
      if (reply.ok) settle(run, undefined, reply.outputs);
      else settle(run, kernelError(run.kernel.name, reply.error));
      this.dispatch();
    });
    // A crash (uncaught error, out of memory) fails the run on the thread and retires the thread.
    const retire = (err: Error | undefined): void => {
      if (!this.live.delete(thread)) return;
      const run = thread.run;
      thread.run = undefined;
      if (run) settle(run, new FlorinError('INTERNAL', `kernel ${run.kernel.name} crashed its worker thread: ${err?.message ?? 'thread exited'}`, { cause: err }));
      this.dispatch();
    };
    worker.on('error', (err) => retire(err));
    worker.on('exit', () => retire(undefined));
    this.live.add(thread);
    return thread;
  }

  private abort(run: Run): void {
    const reason = abortReason(run.signal!);
    const queued = this.queue.indexOf(run);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      settle(run, reason);
      return;
    }
    for (const thread of this.live) {
      if (thread.run !== run) continue;
      // A running kernel cannot be interrupted: terminate its thread; the next run spawns a fresh one.
      this.live.delete(thread);
      thread.run = undefined;
      settle(run, reason);
      void thread.worker.terminate();
      this.dispatch();
      return;
    }
  }
}

function settle(run: Run, err: unknown, outputs?: Float64Array[]): void {
  run.detach();
  if (err !== undefined) run.reject(err);
  else run.resolve(outputs!);
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

function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new FlorinError('CANCELLED', 'kernel run cancelled');
}
