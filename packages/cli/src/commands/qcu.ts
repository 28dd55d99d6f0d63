import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { headTargets } from '../data-source.js';
import { loadUnits, QcuWorker } from '@florin/qcu';
import { observeQcu } from '@florin/telemetry';
import { listArg, nonNegativeInt, positiveInt } from '../options.js';
import { addTelemetryOptions, startRoleTelemetry, type TelemetryFlags } from './telemetry-options.js';
import { announceReady, stopOnSignals } from '../process-lifecycle.js';
import { addDiscoveryOptions, type DiscoveryFlags } from '../discovery-options.js';
import { RoleDiscovery } from '../role-discovery.js';
import { memberAddress } from '@florin/discovery';
import { addSecurityOptions, roleSecurity, type SecurityFlags } from '../security-options.js';
import { withLoadGenerator } from '../loadtest/fleet/hosted-units.js';
import { LOAD_GENERATOR_UNIT } from '../loadtest/fleet/load-generator-unit.js';

/** The built-in example units (momentum with its backtest, mean reversion, volatility). */
const EXAMPLE_UNITS_MODULE = fileURLToPath(import.meta.resolve('@florin/examples/units'));

interface QcuFlags extends DiscoveryFlags, SecurityFlags {
  units?: string;
  loadGenerator: boolean;
  coordinator?: string;
  heads?: string[];
  concurrency?: number;
  batchSize?: number;
  prefetch?: number | 'auto';
  leaseMs?: number;
  computeThreads?: number;
  drainMs?: number;
  id?: string;
}

function prefetchArg(value: string): number | 'auto' {
  return value === 'auto' ? 'auto' : nonNegativeInt('--prefetch')(value);
}

export function qcuCommand(): Command {
  return addSecurityOptions(addDiscoveryOptions(addTelemetryOptions(new Command('qcu'))), 'client')
    .description('run a QCU worker: lease tasks of the given units, compute, publish results, complete')
    .option('--units <module>', 'ES module exporting units made with defineUnit() (default: the example units)')
    .option('--no-load-generator', `do not host the load generator (${LOAD_GENERATOR_UNIT}, what \`florin loadtest --fleet\` runs; it only reads)`)
    .option('--coordinator <address>', 'coordinator host:port (without --discovery)')
    .option('--heads <list>', 'head nodes, comma-separated: host:port or id=host:port (the id a head was started with, so this QCU routes each key to its owner)', listArg)
    .option('--concurrency <n>', 'tasks run at once (default 4)', positiveInt('--concurrency'))
    .option('--batch-size <n>', 'most tasks leased per call (default 64)', positiveInt('--batch-size'))
    .option('--prefetch <n|auto>', 'tasks leased ahead of free slots, started as slots free (default auto: deep for short tasks, none for long ones; a number fixes it)', prefetchArg)
    .option('--lease-ms <n>', 'lease asked for; heartbeats every third of it (default 30000)', positiveInt('--lease-ms'))
    .option('--compute-threads <n>', 'worker threads for CPU-heavy kernels (default cores - 1)', positiveInt('--compute-threads'))
    .option('--drain-ms <n>', 'on SIGTERM, how long running tasks may take before they are handed back (default 110000; Fargate Spot gives 120 s)', positiveInt('--drain-ms'))
    .option('--id <name>', 'worker id (default qcu-<host>-<pid>-<random>)')
    .action(async (flags: QcuFlags & TelemetryFlags) => {
      const security = roleSecurity('qcu', flags);
      const telemetry = startRoleTelemetry(flags, 'qcu', flags.id ?? `qcu-${process.pid}`);
      const found = await RoleDiscovery.start(flags);
      if (found && (flags.coordinator || flags.heads)) throw new Error('--discovery finds the coordinator and the heads: leave out --coordinator and --heads');
      if (!found && (!flags.coordinator || !flags.heads)) throw new Error('give --coordinator and --heads (addresses), or --discovery (to find them)');
      const units = withLoadGenerator(await loadUnits(flags.units ?? EXAMPLE_UNITS_MODULE), flags.loadGenerator);
      const heads = found ? found.heads() : headTargets(flags.heads!);
      const coordinator = found ? found.coordinator() : undefined;
      if (found && coordinator && !Array.isArray(heads)) await Promise.all([found.firstMember(coordinator), found.firstMember(heads)]);
      const worker = new QcuWorker({
        coordinator: coordinator ? memberAddress(coordinator) : flags.coordinator!,
        heads,
        units,
        workerId: flags.id,
        concurrency: flags.concurrency,
        batchSize: flags.batchSize,
        prefetch: flags.prefetch,
        leaseMs: flags.leaseMs,
        computeThreads: flags.computeThreads,
        drainDeadlineMs: flags.drainMs,
        security: security.client,
      });
      observeQcu(telemetry.meter, () => worker.slots.read(), { 'florin.qcu.id': worker.workerId });
      stopOnSignals(async () => {
        await worker.drain();
        await found?.close();
        await telemetry.shutdown();
      });
      await worker.start();
      announceReady({ role: 'qcu', id: worker.workerId, address: units.map((u) => `${u.name}@${u.version}`).join(',') });
    });
}
