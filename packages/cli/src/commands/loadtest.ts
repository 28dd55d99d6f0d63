import { Command, InvalidArgumentError, Option } from 'commander';
import { invalidArgument } from '@florin/core';
import { ShardRouter } from '@florin/shard-client';
import { DEFAULT_DATA_DIR } from '../cluster/cluster-file.js';
import { resolveLoadAddresses, resolveLoadUniverse, type LoadTargetFlags } from '../loadtest/cli-target.js';
import { LOAD_TEST_DEFAULTS } from '../loadtest/load-options.js';
import { loadTestJson } from '../loadtest/load-result.js';
import type { LoadMode } from '../loadtest/load-target.js';
import { LoadProgressBar } from '../loadtest/progress-bar.js';
import { loadTestNotes, loadTestTable } from '../loadtest/report.js';
import { runLoadTest } from '../loadtest/run-load-test.js';
import { verifyAnswers, type VerifyOutcome } from '../loadtest/verify.js';
import { listArg, nonNegativeInt, positiveInt, timeArg } from '../options.js';
import { addClientDiscoveryOptions } from '../discovery-options.js';
import { addSecurityOptions, commandSecurity, type SecurityFlags } from '../security-options.js';
import { connectJobs } from '../jobs-target.js';
import { connectLoadTarget } from '../loadtest/load-target.js';
import { assertLoopback } from '../loadtest/loopback.js';
import { runFleetLoadTest } from '../loadtest/fleet/run-fleet-load-test.js';
import type { LoadTestResult } from '../loadtest/load-result.js';
import type { LoadAddresses } from '../loadtest/load-target.js';
import type { LoadUniverse } from '../loadtest/workload.js';
import type { ClientSecurity } from '@florin/core';
import { followWithProgress } from './submit.js';

interface LoadTestFlags extends LoadTargetFlags, SecurityFlags {
  fleet: boolean;
  tasks: number;
  coordinator?: string;
  direct: boolean;
  coalesce: boolean;
  clients: number;
  symbols: number;
  requests?: number;
  seconds?: number;
  seed: number;
  minWindowBars: number;
  verify?: number;
  json: boolean;
}

function positiveNumber(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number > 0, got "${value}"`);
    return n;
  };
}

export function loadtestCommand(): Command {
  const d = LOAD_TEST_DEFAULTS;
  return addSecurityOptions(addClientDiscoveryOptions(new Command('loadtest')), 'client')
    .addOption(new Option('--shard-service <name>', 'with --discovery: the discovery service that holds shards').env('FLORIN_SHARD_SERVICE').default('shards'))
    .option('--target-cluster <name>', 'with --discovery: allow targets off this machine, in the cluster of this name (the Cloud Map namespace, DNS domain or registry directory discovery finds); refused if it does not match')
    .description(
      'simulate many QCU clients reading overlapping random windows through the head nodes (loopback only, unless --target-cluster names the cluster --discovery finds); ' +
        'report throughput, latency percentiles, cache hit ratio and upstream amplification',
    )
    .option('--heads <list>', 'head nodes, host:port or id=host:port (default: the local cluster)', listArg)
    .option('--shards <list>', 'shard addresses in shard-id order (for --direct and --verify; default: the local cluster)', listArg)
    .option('--data-dir <dir>', 'data directory of the local cluster (cluster.json, market.json)', DEFAULT_DATA_DIR)
    .option('--fleet', 'run the load as a job on the QCU fleet: each task a load generator (the built-in load-generator unit), one merged report', false)
    .option('--tasks <n>', 'with --fleet: load generators (tasks of the job; at most the universe\'s symbols)', positiveInt('--tasks'), 4)
    .option('--coordinator <address>', 'with --fleet: coordinator host:port (default: found through --discovery, or the local cluster)')
    .option('--direct', 'send the same workload straight to the shards, no head node', false)
    .option('--no-coalesce', 'send the same workload through the heads with aggregation off for every read')
    .option('--clients <n>', 'concurrent simulated clients, one request in flight each (with --fleet: per load generator)', positiveInt('--clients'), d.clients)
    .option('--symbols <n>', 'distinct symbols per request', positiveInt('--symbols'), d.symbolsPerRequest)
    .option('--requests <n>', `requests in the run (default ${d.requests}; unbounded with --seconds)`, positiveInt('--requests'))
    .option('--seconds <s>', 'stop starting requests after this many seconds', positiveNumber('--seconds'))
    .option('--seed <n>', 'workload seed: the same seed sends the same requests in every mode', nonNegativeInt('--seed'), d.seed)
    .option('--min-window-bars <n>', 'shortest window in bars (lengths are log-uniform up to the whole range)', positiveInt('--min-window-bars'), d.minWindowBars)
    .option('--fields <list>', 'fields each request reads (default: all; the heads fetch whole rows either way)', listArg)
    .option('--universe <list>', 'symbols to draw from (default: every symbol of the sample market in --data-dir)', listArg)
    .option('--dataset <name>', 'dataset of --universe (default bars)')
    .option('--from <time>', 'start of the range windows lie in (default: the dataset\'s first bar)', timeArg)
    .option('--to <time>', 'end of that range, exclusive (default: one bar past the dataset\'s last)', timeArg)
    .option('--deadline-ms <n>', 'deadline of each read', positiveInt('--deadline-ms'), d.deadlineMs)
    .option('--verify <n>', 'check every n-th answer bit for bit against a direct read from the shards', positiveInt('--verify'))
    .option('--json', 'end stdout with the result as one JSON line', false)
    .action(async (flags: LoadTestFlags) => {
      if (flags.direct && !flags.coalesce) throw invalidArgument('give --direct or --no-coalesce, not both');
      if (flags.fleet && (flags.direct || !flags.coalesce || flags.verify !== undefined)) {
        throw invalidArgument('--fleet reads through the head nodes with aggregation on, as QCUs do: leave out --direct, --no-coalesce and --verify');
      }
      if (!flags.fleet && flags.coordinator !== undefined) throw invalidArgument('--coordinator goes with --fleet (the load-generator job is submitted there)');
      const mode: LoadMode = flags.direct ? 'direct' : flags.coalesce ? 'heads' : 'no-coalesce';
      const addresses = await resolveLoadAddresses(flags);
      const security = await commandSecurity(flags);
      if (flags.verify !== undefined && !addresses.shards?.length) {
        throw invalidArgument('--verify reads the shards directly: give --shards, or run against a local cluster');
      }
      const universe = await resolveLoadUniverse(flags, mode, addresses, security);
      if (flags.fleet) {
        await runOnFleet(flags, mode, addresses, universe, security);
        return;
      }
      const bar = new LoadProgressBar(`loadtest ${mode}`);
      const result = await runLoadTest({
        mode,
        addresses,
        universe,
        clients: flags.clients,
        symbolsPerRequest: flags.symbols,
        minWindowBars: flags.minWindowBars,
        requests: flags.requests,
        seconds: flags.seconds,
        seed: flags.seed,
        deadlineMs: flags.deadlineMs,
        sampleEvery: flags.verify,
        onProgress: (p) => bar.update(p),
        security,
      }).finally(() => bar.stop());
      let verified: VerifyOutcome | undefined;
      if (flags.verify !== undefined) {
        const router = new ShardRouter(addresses.shards!, { security });
        try {
          verified = await verifyAnswers(result.sampled, (q) => router.read(q, { deadlineMs: flags.deadlineMs }));
        } finally {
          router.close();
        }
      }
      printResult(result, flags.json, verified);
      if (result.errors > 0 || (verified && verified.mismatches.length > 0)) process.exitCode = 1;
    });
}

function printResult(result: LoadTestResult, json: boolean, verified?: VerifyOutcome): void {
  const out = (line: string): void => void process.stdout.write(line + '\n');
  const who = result.fleet ? `${result.fleet.generators} load generators x ${result.fleet.clientsPerGenerator} clients` : `${result.clients} clients`;
  out(`florin loadtest (${result.fleet ? 'fleet, ' : ''}${result.mode}): ${result.requests} requests, ${who} x ${result.symbolsPerRequest} symbols`);
  out(loadTestTable([result]));
  for (const note of loadTestNotes(result)) out(note);
  if (verified) {
    out(`verify: ${verified.checked} answers (${verified.points.toLocaleString('en-US')} points) compared with direct shard reads, ${verified.mismatches.length} differ`);
    for (const m of verified.mismatches.slice(0, 10)) out(`  ${m}`);
  }
  if (json) {
    const line = loadTestJson(result);
    out(JSON.stringify(verified ? { ...line, verified: { checked: verified.checked, points: verified.points, mismatches: verified.mismatches.length } } : line));
  }
}

/**
 * --fleet: the load as a job on the QCU fleet, submitted through the
 * coordinator (explicit, found through discovery, or the local cluster's);
 * the heads found for this load test give the counters before and after.
 */
async function runOnFleet(flags: LoadTestFlags, mode: LoadMode, addresses: LoadAddresses, universe: LoadUniverse, security: ClientSecurity | undefined): Promise<void> {
  if (flags.coordinator !== undefined && addresses.cluster === undefined) assertLoopback([flags.coordinator], '--coordinator');
  const heads = connectLoadTarget(mode, addresses, security);
  const { connection, jobs } = await connectJobs(flags);
  try {
    const result = await runFleetLoadTest({
      jobs,
      heads,
      universe,
      generators: flags.tasks,
      clients: flags.clients,
      requests: flags.requests,
      seconds: flags.seconds,
      seed: flags.seed,
      symbolsPerRequest: flags.symbols,
      minWindowBars: flags.minWindowBars,
      deadlineMs: flags.deadlineMs,
      follow: followWithProgress,
      onSubmitted: (job) => void process.stderr.write(`submitted: load-generator job ${job.jobId} (${flags.tasks} tasks)\n`),
    });
    printResult(result, flags.json);
    if (result.errors > 0) process.exitCode = 1;
  } finally {
    heads.close();
    connection.close();
  }
}
