import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@florin/client';
import { LocalCluster } from '@florin/cli';
import type { TimeRange } from '@florin/core';
import type { TaskTimings } from '@florin/qcu';
import type { BacktestResult } from '@florin/examples';
import { progress } from './bench-options.js';
import { cpuBetween, cpuSnapshot } from './process-cpu.js';

/** Where Florin's wall time went, from the QCUs' task timings and the submit/finish times seen here. */
export interface FlorinPhases {
  /** Submit sent -> first task started (Submit, the job's tasks written, the first LeaseTasks). */
  readonly submitToFirstTaskMs: number;
  /** First task started -> last regular task ended (the parallel part). */
  readonly tasksWallMs: number;
  /** Summed over regular tasks (tasks run concurrently, so sums exceed the wall time). */
  readonly readMs: number;
  readonly computeMs: number;
  readonly publishMs: number;
  /** Summed over regular tasks: leased -> started (waiting for a slot in a QCU). */
  readonly queuedMs: number;
  /** Last regular task ended -> final step started (completions, the job settled, the final task leased). */
  readonly toFinalMs: number;
  /** The final step's run, and its read of the published rows and its backtest kernel inside it. */
  readonly finalMs: number;
  readonly finalReadMs: number;
  readonly finalComputeMs: number;
  /** Final step ended -> the SDK saw the job succeed (its completion, settle, Watch event). */
  readonly finalToDoneMs: number;
  /** The coordinator round trips on the critical path: submitToFirstTask + toFinal + finalToDone. */
  readonly coordinatorMs: number;
  readonly tasks: number;
  readonly pointsRead: number;
  readonly rowsPublished: number;
  /** Points the heads fetched from the shards during the job, summed over heads (HeadStats.upstreamPoints). */
  readonly upstreamPoints: number;
  /** CPU time (user + system, every thread) each role process used from Submit to done (Linux /proc; empty elsewhere). */
  readonly cpuMs: Readonly<Record<string, number>>;
}

export interface FlorinRun {
  readonly ms: number;
  readonly phases: FlorinPhases;
  readonly result: BacktestResult;
}

export interface FlorinJob {
  /** A data directory holding the market's shard files and market.json (ensureMarket). */
  readonly dataDir: string;
  readonly market: { symbols: number; years: number; seed: number };
  readonly dataset: string;
  readonly range: TimeRange;
  readonly taskSize: number;
  readonly shards: number;
  readonly heads: number;
  readonly qcus: number;
  /** Profiles every role process (node --cpu-prof) into this directory, and writes window.json there (the job's Submit -> done on the monotonic clock, µs). */
  readonly profileDir?: string;
}

/**
 * Starts the cluster `florin up` starts (processes, local discovery), submits
 * the demo's momentum job over every symbol and waits for it, timed from
 * Submit to the job's terminal event. The QCUs log their task timings (debug
 * level): they are collected from the processes' stderr.
 */
export async function runFlorinJob(job: FlorinJob): Promise<FlorinRun> {
  const timings: TaskTimings[] = [];
  if (job.profileDir) mkdirSync(job.profileDir, { recursive: true });
  const previousLevel = process.env['FLORIN_LOG_LEVEL'];
  process.env['FLORIN_LOG_LEVEL'] = 'debug';
  const cluster = new LocalCluster({
    dataDir: job.dataDir,
    shards: job.shards,
    heads: job.heads,
    host: '127.0.0.1',
    market: job.market,
    headArgs: [],
    qcus: job.qcus,
    ...(job.profileDir ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', job.profileDir] } : {}),
    log: (line) => {
      const at = line.indexOf('{');
      if (at >= 0 && line.includes('"task timings"')) {
        timings.push((JSON.parse(line.slice(at)) as { timings: TaskTimings }).timings);
        return;
      }
      if (!line.includes('"level":20')) progress(line);
    },
  });
  try {
    const info = await cluster.start();
    const named: [string, number][] = [
      ...info.shards.map((s): [string, number] => [`shard-${s.id}`, s.pid]),
      ...info.heads.map((h): [string, number] => [h.id, h.pid]),
      ...(info.coordinator ? [['coordinator', info.coordinator.pid] as [string, number]] : []),
      ...info.qcus.map((q): [string, number] => [q.id, q.pid]),
    ];
    const pids: Record<string, number> = Object.fromEntries(named);
    // Which profile is whose: node names them CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile.
    if (job.profileDir) writeFileSync(join(job.profileDir, 'roles.json'), JSON.stringify(pids));
    if (previousLevel === undefined) delete process.env['FLORIN_LOG_LEVEL'];
    else process.env['FLORIN_LOG_LEVEL'] = previousLevel;
    const connection = connect({ heads: info.heads.map((h) => ({ id: h.id, address: h.address })), coordinator: info.coordinator!.address });
    try {
      const jobs = connection.jobs!;
      await connection.data.stats(true);
      const startedAt = Date.now();
      const fromUs = monotonicUs();
      const cpuBefore = cpuSnapshot(pids);
      const started = performance.now();
      const handle = await jobs.submit({ unit: 'momentum', dataset: job.dataset, symbols: 'all', startMs: job.range.start, endMs: job.range.end, taskSize: job.taskSize });
      const done = await handle.wait();
      const ms = performance.now() - started;
      const cpuMs = cpuBetween(cpuBefore, cpuSnapshot(pids));
      const doneAt = Date.now();
      if (job.profileDir) writeFileSync(join(job.profileDir, 'window.json'), JSON.stringify({ fromUs, toUs: monotonicUs() }));
      if (done.state !== 'succeeded') throw new Error(`the momentum job ended ${done.state}: ${done.error ?? ''}`);
      // The last timing lines may still be on their way through the pipes.
      const mine = await collected(timings, done.jobId, Math.ceil(done.symbolCount / job.taskSize) + 1);
      const upstreamPoints = (await connection.data.stats()).reduce((n, h) => n + Number(h.upstreamPoints), 0);
      return { ms, phases: { ...phasesOf(mine, startedAt, doneAt, upstreamPoints), cpuMs }, result: done.result as BacktestResult };
    } finally {
      connection.close();
    }
  } finally {
    await cluster.stop();
  }
}

/** µs on the monotonic clock V8's profiles use for their sample times (CLOCK_MONOTONIC on Linux). */
function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

async function collected(timings: TaskTimings[], jobId: string, expected: number): Promise<TaskTimings[]> {
  for (let i = 0; i < 100; i++) {
    const mine = timings.filter((t) => t.jobId === jobId && t.ok);
    if (mine.length >= expected) return mine;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`got the timings of ${timings.filter((t) => t.jobId === jobId).length} of ${expected} tasks from the QCUs`);
}

function phasesOf(timings: readonly TaskTimings[], submittedAt: number, doneAt: number, upstreamPoints: number): Omit<FlorinPhases, 'cpuMs'> {
  const regular = timings.filter((t) => !t.final);
  const final = timings.find((t) => t.final)!;
  const sum = (pick: (t: TaskTimings) => number): number => Math.round(regular.reduce((n, t) => n + pick(t), 0));
  const firstStart = Math.min(...regular.map((t) => t.startedAt));
  const lastEnd = Math.max(...regular.map((t) => t.endedAt));
  const submitToFirstTaskMs = firstStart - submittedAt;
  const toFinalMs = final.startedAt - lastEnd;
  const finalToDoneMs = doneAt - final.endedAt;
  return {
    submitToFirstTaskMs,
    tasksWallMs: lastEnd - firstStart,
    readMs: sum((t) => t.readMs),
    computeMs: sum((t) => t.computeMs),
    publishMs: sum((t) => t.publishMs),
    queuedMs: sum((t) => t.startedAt - t.leasedAt),
    toFinalMs,
    finalMs: Math.round(final.runMs),
    finalReadMs: Math.round(final.readMs),
    finalComputeMs: Math.round(final.computeMs),
    finalToDoneMs,
    coordinatorMs: submitToFirstTaskMs + toFinalMs + finalToDoneMs,
    tasks: regular.length,
    pointsRead: regular.reduce((n, t) => n + t.pointsRead, 0) + final.pointsRead,
    rowsPublished: regular.reduce((n, t) => n + t.rowsPublished, 0),
    upstreamPoints,
  };
}
