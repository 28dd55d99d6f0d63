import { addSecurityOptions } from '../security-options.js';
import { Command, Option } from 'commander';
import type { JobState } from '@florin/client';
import { listArg, positiveInt } from '../options.js';
import { connectJobService, type JobsTargetFlags } from '../jobs-target.js';
import { addClientDiscoveryOptions } from '../discovery-options.js';
import { jobSummary, jobsTable, taskLogsText } from '../output/job-view.js';
import { followWithProgress } from './submit.js';

const STATES: JobState[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

function targetOptions(cmd: Command): Command {
  return addSecurityOptions(addClientDiscoveryOptions(cmd), 'client')
    .option('--coordinator <address>', 'coordinator host:port (default: the local cluster)')
    .option('--heads <list>', 'head-node addresses (default: the local cluster)', listArg)
    .option('--data-dir <dir>', 'data directory of the local cluster', '.florin')
    .option('--json', 'print JSON');
}

type Flags = JobsTargetFlags & { json?: boolean };

async function withJobs(flags: Flags, body: (jobs: Awaited<ReturnType<typeof connectJobService>>['jobs']) => Promise<void>): Promise<void> {
  const { jobs, close } = await connectJobService(flags);
  try {
    await body(jobs);
  } finally {
    close();
  }
}

export function jobsCommand(): Command {
  const list = targetOptions(new Command('list').description('list jobs, newest first'))
    .addOption(new Option('--state <state>', 'only jobs in this state').choices(STATES))
    .option('--unit <name>', 'only jobs of this unit')
    .option('--limit <n>', 'most jobs listed', positiveInt('--limit'), 50)
    .option('--owner <subject>', "only this owner's jobs (admin; a researcher always sees only their own)")
    .action(async (flags: Flags & { state?: JobState; unit?: string; limit: number; owner?: string }) =>
      withJobs(flags, async (jobs) => {
        const found = await jobs.list({ states: flags.state ? [flags.state] : undefined, unit: flags.unit, limit: flags.limit, owner: flags.owner });
        process.stdout.write((flags.json ? JSON.stringify(found) : found.length ? jobsTable(found) : 'no jobs') + '\n');
      }),
    );
  const show = targetOptions(new Command('show').description("a job's state, progress and result").argument('<job>', 'job id')).action(
    async (jobId: string, flags: Flags) =>
      withJobs(flags, async (jobs) => {
        const job = await jobs.get(jobId);
        process.stdout.write((flags.json ? JSON.stringify(job) : jobSummary(job)) + '\n');
      }),
  );
  const watch = targetOptions(new Command('watch').description("follow a job's progress until it ends").argument('<job>', 'job id')).action(
    async (jobId: string, flags: Flags) =>
      withJobs(flags, async (jobs) => {
        const job = await followWithProgress(await jobs.handle(jobId));
        process.stdout.write((flags.json ? JSON.stringify(job) : jobSummary(job)) + '\n');
        if (job.state !== 'succeeded') process.exitCode = 1;
      }),
  );
  const cancel = targetOptions(new Command('cancel').description('cancel a job: queued tasks are dropped, running ones aborted').argument('<job>', 'job id')).action(
    async (jobId: string, flags: Flags) =>
      withJobs(flags, async (jobs) => {
        const job = await jobs.cancel(jobId);
        process.stdout.write((flags.json ? JSON.stringify(job) : jobSummary(job)) + '\n');
      }),
  );
  const logs = targetOptions(new Command('logs').description("the last lines each task's unit logged with ctx.log (kept with its outcome)").argument('<job>', 'job id')).action(
    async (jobId: string, flags: Flags) =>
      withJobs(flags, async (jobs) => {
        const found = await jobs.logs(jobId);
        process.stdout.write((flags.json ? JSON.stringify(found) : taskLogsText(found)) + '\n');
      }),
  );
  return new Command('jobs')
    .description('list, show, watch, cancel jobs and read their logs')
    .addCommand(list)
    .addCommand(show)
    .addCommand(watch)
    .addCommand(cancel)
    .addCommand(logs);
}
