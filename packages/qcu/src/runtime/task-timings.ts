import type { DataPort } from '../data-port.js';
import type { KernelPool } from '../pool/kernel-pool.js';

/**
 * Where one task's time went, measured by the runtime around the calls a unit
 * makes: reads through the heads, kernels on the pool, and publishing (the
 * time a unit waited on ctx.publish, plus the final flush). Phases of one
 * task add up to at most its run time; overlapping calls of one task (e.g.
 * reads in parallel) each count in full. Times are milliseconds; `startedAt`
 * and `endedAt` are epoch ms, so timings of several processes on one machine
 * line up.
 */
export interface TaskTimings {
  readonly jobId: string;
  readonly taskId: string;
  readonly final: boolean;
  readonly symbols: number;
  /** Epoch ms when the task was leased (its LeaseTasks answer arrived). */
  readonly leasedAt: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly runMs: number;
  readonly readMs: number;
  readonly reads: number;
  readonly pointsRead: number;
  readonly computeMs: number;
  readonly publishMs: number;
  readonly rowsPublished: number;
  readonly ok: boolean;
}

type Phase = 'read' | 'compute' | 'publish';

/** Accumulates a task's phase times; wraps the data port, the pool and the publisher's calls. */
export class TaskClock {
  readonly startedAt = Date.now();
  private readonly started = performance.now();
  private readonly ms: Record<Phase, number> = { read: 0, compute: 0, publish: 0 };
  private reads = 0;
  private pointsRead = 0;

  /** Runs `body`, adding its duration to `phase`. */
  async time<T>(phase: Phase, body: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await body();
    } finally {
      this.ms[phase] += performance.now() - t;
    }
  }

  /** `data` with its reads timed (and their points counted). */
  timedData(data: DataPort): DataPort {
    return {
      read: async (query, options) => {
        const frames = await this.time('read', () => data.read(query, options));
        this.reads++;
        for (const f of frames) this.pointsRead += f.timestamps.length * Math.max(1, f.columns.length);
        return frames;
      },
      write: (dataset, fields, frames, options) => data.write(dataset, fields, frames, options),
    };
  }

  /** `pool` with its kernel runs timed. */
  timedPool(pool: KernelPool): Pick<KernelPool, 'run'> {
    return { run: (kernel, inputs, params, options) => this.time('compute', () => pool.run(kernel, inputs, params, options)) };
  }

  finish(task: { jobId: string; taskId: string; final: boolean; symbols: number; leasedAt: number }, rowsPublished: number, ok: boolean): TaskTimings {
    return {
      ...task,
      startedAt: this.startedAt,
      endedAt: Date.now(),
      runMs: round(performance.now() - this.started),
      readMs: round(this.ms.read),
      reads: this.reads,
      pointsRead: this.pointsRead,
      computeMs: round(this.ms.compute),
      publishMs: round(this.ms.publish),
      rowsPublished,
      ok,
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
