import { randomBytes } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { cpuMark, cpuSpent, paced, summarizeBatch, summarizeTrickle, type DispatchRun } from './dispatch-run.js';

/** Where Redis is and how it keeps its data (reported next to the figures). */
export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly version: string;
  /** CONFIG GET appendonly / save: 'no' and '' mean nothing reaches the disk. */
  readonly appendonly: string;
  readonly save: string;
}

/** One BullMQ configuration: `workers` Workers in this process on one fresh queue. */
export interface BullmqSetup {
  readonly name: string;
  readonly workers: number;
  /** Worker concurrency (jobs run at once per Worker). */
  readonly concurrency: number;
  readonly batchTimeoutMs: number;
}

export interface BullmqFleet {
  /** addBulk of `tasks` no-op jobs; resolves the measurement once every job completed. */
  runBatch(tasks: number): Promise<DispatchRun>;
  /** Light load: `count` jobs, one add() every `intervalMs`; latencies are per job from its own add. */
  runTrickle(count: number, intervalMs: number): Promise<DispatchRun>;
}

/** Key prefix of every queue this benchmark makes; each run adds a unique queue name under it. */
export const BULLMQ_PREFIX = 'florin-bench';

/** Answers the Redis at host:port and its persistence settings, or undefined (with the reason) when it does not answer within 2 s. */
export async function probeRedis(host: string, port: number): Promise<{ target?: RedisTarget; reason?: string }> {
  const redis = new Redis({ host, port, lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let lastError: Error | undefined;
  redis.on('error', (err: Error) => (lastError = err));
  try {
    await redis.connect();
    await redis.ping();
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    const [, appendonly = '?'] = (await redis.config('GET', 'appendonly')) as string[];
    const [, save = '?'] = (await redis.config('GET', 'save')) as string[];
    return { target: { host, port, version, appendonly, save } };
  } catch (err) {
    return { reason: lastError?.message ?? (err instanceof Error ? err.message : String(err)) };
  } finally {
    redis.disconnect();
  }
}

interface Tracker {
  expected: number;
  starts: Map<string, number>;
  /** Completion stamp by job id. */
  dones: Map<string, number>;
  runs: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Starts the Workers on a fresh queue, runs `body`, then closes the Workers,
 * obliterates the queue and deletes any key left under its name.
 */
export async function withBullmqFleet<T>(redis: RedisTarget, setup: BullmqSetup, body: (fleet: BullmqFleet) => Promise<T>): Promise<T> {
  const connection = { host: redis.host, port: redis.port, maxRetriesPerRequest: null };
  const queueName = `dispatch-${process.pid}-${randomBytes(4).toString('hex')}`;
  const queue = new Queue(queueName, { connection, prefix: BULLMQ_PREFIX });
  queue.on('error', () => undefined);
  // A plain connection for INFO cpu: redis-server's CPU time is the server-side cost of a batch.
  const info = new Redis({ host: redis.host, port: redis.port, maxRetriesPerRequest: 1 });
  info.on('error', () => undefined);
  const redisCpuMs = async (): Promise<number | undefined> => {
    const text = await info.info('cpu');
    const user = Number(/used_cpu_user:([\d.]+)/.exec(text)?.[1]);
    const sys = Number(/used_cpu_sys:([\d.]+)/.exec(text)?.[1]);
    return Number.isFinite(user) && Number.isFinite(sys) ? (user + sys) * 1000 : undefined;
  };
  let tracker: Tracker | undefined;
  const processor = async (job: Job): Promise<null> => {
    if (tracker) {
      tracker.runs++;
      if (job.id !== undefined && !tracker.starts.has(job.id)) tracker.starts.set(job.id, Date.now());
    }
    return null;
  };
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < setup.workers; i++) {
      const worker = new Worker(queueName, processor, { connection, prefix: BULLMQ_PREFIX, concurrency: setup.concurrency });
      worker.on('error', (err) => tracker?.reject(err));
      worker.on('failed', (job, err) => tracker?.reject(new Error(`bullmq job ${job?.id} failed: ${err.message}`)));
      worker.on('completed', (job) => {
        const t = tracker;
        if (!t) return;
        // finishedOn: the worker's clock when it moved the job to completed (the Lua script's timestamp).
        t.dones.set(job.id ?? '', job.finishedOn ?? Date.now());
        if (t.dones.size === t.expected) t.resolve();
      });
      workers.push(worker);
    }
    await queue.waitUntilReady();
    await Promise.all(workers.map((w) => w.waitUntilReady()));
    /** Tracks the next `expected` completions; `body` submits them. */
    const track = async <R>(expected: number, body: (finished: Promise<void>, t: Tracker) => Promise<R>): Promise<R> => {
      let timer: NodeJS.Timeout | undefined;
      let t: Tracker | undefined;
      const finished = new Promise<void>((resolve, reject) => {
        t = { expected, starts: new Map(), dones: new Map(), runs: 0, resolve, reject };
        timer = setTimeout(() => reject(new Error(`bullmq ${setup.name}: ${expected} jobs not done within ${setup.batchTimeoutMs} ms`)), setup.batchTimeoutMs);
      });
      void finished.catch(() => undefined); // a failure before body awaits it is still reported there, not as unhandled
      tracker = t;
      try {
        return await body(finished, t!);
      } finally {
        clearTimeout(timer);
        tracker = undefined;
      }
    };
    const fleet: BullmqFleet = {
      runBatch: (tasks) =>
        track(tasks, async (finished, t) => {
          const jobs = Array.from({ length: tasks }, (_, i) => ({ name: 'noop', data: { i } }));
          const mark = await cpuMark(redisCpuMs);
          const submitAtMs = Date.now();
          await queue.addBulk(jobs);
          const submittedAtMs = Date.now();
          await finished;
          const observedAtMs = Date.now();
          const cpu = await cpuSpent(mark);
          return summarizeBatch(`bullmq ${setup.name}`, {
            tasks,
            submitAtMs,
            submittedAtMs,
            observedAtMs,
            startedAtMs: [...t.starts.values()],
            doneAtMs: [...t.dones.values()],
            runs: t.runs,
            cpu,
          });
        }),
      runTrickle: (count, intervalMs) =>
        track(count, async (finished, t) => {
          const mark = await cpuMark(redisCpuMs);
          const added = await Promise.all(
            await paced(count, intervalMs, async () => {
              const submitAtMs = Date.now();
              const job = await queue.add('noop', { trickle: true });
              return { submitAtMs, id: job.id ?? '' };
            }),
          );
          await finished;
          const cpu = await cpuSpent(mark);
          return summarizeTrickle(
            `bullmq ${setup.name}`,
            added.map(({ submitAtMs, id }) => ({ submitAtMs, startedAtMs: t.starts.get(id) ?? NaN, doneAtMs: t.dones.get(id) ?? NaN })),
            t.runs,
            cpu,
          );
        }),
    };
    return await body(fleet);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    info.disconnect();
    await deleteKeys(redis, `${BULLMQ_PREFIX}:${queueName}:*`);
  }
}

/** Deletes every key matching `pattern` (SCAN, so Redis is never blocked); answers how many there were. */
export function deleteKeys(target: RedisTarget, pattern: string): Promise<number> {
  return scanKeys(target, pattern, (redis, keys) => redis.del(...keys));
}

/** How many keys match `pattern` (after cleanup: must be 0). */
export function countKeys(target: RedisTarget, pattern: string): Promise<number> {
  return scanKeys(target, pattern, async (_redis, keys) => keys.length);
}

async function scanKeys(target: RedisTarget, pattern: string, each: (redis: Redis, keys: string[]) => Promise<number>): Promise<number> {
  const redis = new Redis({ host: target.host, port: target.port, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  let total = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) total += await each(redis, keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return total;
}
