import { addSecurityOptions } from '../security-options.js';
import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import type { JobHandle } from '@florin/client';
import { listArg, positiveInt, timeArg } from '../options.js';
import { connectJobs, type JobsTargetFlags } from '../jobs-target.js';
import { addClientDiscoveryOptions } from '../discovery-options.js';
import { jobSummary } from '../output/job-view.js';

interface SubmitFlags extends JobsTargetFlags {
  unit: string;
  unitVersion?: string;
  dataset: string;
  symbols: string[];
  from: number;
  to: number;
  taskSize?: number;
  params?: string;
  output?: string;
  idempotencyKey?: string;
  maxAttempts?: number;
  detach?: boolean;
  json?: boolean;
}

function parseParams(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new Error(`--params must be a JSON object, e.g. '{"lookback":252}': ${(err as Error).message}`, { cause: err });
  }
}

/** Shows a job's progress as a bar (tasks done/total, rate, ETA) until it ends; resolves the final job. */
export async function followWithProgress(handle: JobHandle): Promise<Awaited<ReturnType<JobHandle['wait']>>> {
  const bar = new SingleBar(
    { format: '{unit} [{bar}] {value}/{total} tasks | {percent}% | {rate} tasks/s | ETA {eta_formatted} | {state}{message}', hideCursor: true, stream: process.stderr },
    Presets.shades_classic,
  );
  const started = Date.now();
  let last = handle.job;
  bar.start(last.progress.tasksTotal, 0, { unit: last.unit, rate: '0.0', state: last.state, message: '', percent: '0' });
  try {
    for await (const event of handle.watch()) {
      last = event.job;
      const done = last.progress.tasksSucceeded + last.progress.tasksFailed + last.progress.tasksCancelled;
      const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
      bar.setTotal(last.progress.tasksTotal);
      // The units' own ctx.progress (carried on heartbeats) moves the percentage between task completions.
      const message = event.tasks.find((t) => t.message !== '')?.message ?? '';
      const percent = Math.floor(100 * (event.progress > 0 ? event.progress : done / Math.max(1, last.progress.tasksTotal)));
      bar.update(done, { rate: rate.toFixed(1), state: last.state, message: message ? ` | ${message.slice(0, 60)}` : '', percent: String(percent) });
    }
  } finally {
    bar.stop();
  }
  return last;
}

export function submitCommand(): Command {
  return addSecurityOptions(addClientDiscoveryOptions(new Command('submit')), 'client')
    .description('submit a job, show its progress, then print a summary')
    .requiredOption('--unit <name>', 'unit to run, e.g. momentum')
    .option('--unit-version <v>', 'unit version (default: the latest registered)')
    .option('--dataset <name>', 'input dataset', 'bars')
    .option('--symbols <list>', "comma-separated symbols, or 'all' for the whole dataset", listArg, ['all'])
    .option('--from <time>', 'range start (inclusive)', timeArg, Date.parse('2016-01-01T00:00:00Z'))
    .option('--to <time>', 'range end (exclusive)', timeArg, Date.parse('2026-01-01T00:00:00Z'))
    .option('--task-size <n>', 'symbols per task (default 25)', positiveInt('--task-size'))
    .option('--params <json>', 'unit parameters as a JSON object')
    .option('--output <dataset>', 'dataset the results are published to (default: the unit\'s)')
    .option('--idempotency-key <key>', 'submitting again with the same key returns the same job')
    .option('--max-attempts <n>', 'attempts per task (default 3)', positiveInt('--max-attempts'))
    .option('--detach', 'print the job id and return without waiting')
    .option('--json', 'print the final job as JSON')
    .option('--coordinator <address>', 'coordinator host:port (default: the local cluster)')
    .option('--heads <list>', 'head-node addresses (default: the local cluster)', listArg)
    .option('--data-dir <dir>', 'data directory of the local cluster', '.florin')
    .action(async (flags: SubmitFlags) => {
      const { connection, jobs } = await connectJobs(flags);
      try {
        const handle = await jobs.submit({
          unit: flags.unit,
          unitVersion: flags.unitVersion,
          dataset: flags.dataset,
          symbols: flags.symbols.length === 1 && flags.symbols[0] === 'all' ? 'all' : flags.symbols,
          startMs: flags.from,
          endMs: flags.to,
          taskSize: flags.taskSize,
          params: parseParams(flags.params),
          outputDataset: flags.output,
          idempotencyKey: flags.idempotencyKey,
          maxAttempts: flags.maxAttempts,
        });
        process.stderr.write(`${handle.created ? 'submitted' : 'already submitted (same idempotency key)'}: job ${handle.job.jobId}\n`);
        if (flags.detach) {
          process.stdout.write(handle.job.jobId + '\n');
          return;
        }
        const job = await followWithProgress(handle);
        process.stdout.write(flags.json ? JSON.stringify(job) + '\n' : jobSummary(job) + '\n');
        if (job.state !== 'succeeded') process.exitCode = 1;
      } finally {
        connection.close();
      }
    });
}
