import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { headTargets } from '../data-source.js';
import { loadUnits, QcuWorker } from '@florin/qcu';
import { listArg, nonNegativeInt, positiveInt } from '../options.js';
import { addTelemetryOptions, startRoleTelemetry, type TelemetryFlags } from './telemetry-options.js';
import { announceReady, stopOnSignals } from '../process-lifecycle.js';

/** The built-in example units (momentum with its backtest, mean reversion, volatility). */
const EXAMPLE_UNITS_MODULE = fileURLToPath(import.meta.resolve('@florin/examples/units'));

interface QcuFlags {
  units?: string;
  coordinator: string;
  heads: string[];
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
  return addTelemetryOptions(new Command('qcu'))
    .description('run a QCU worker: lease tasks of the given units, compute, publish results, complete')
    .option('--units <module>', 'ES module exporting units made with defineUnit() (default: the example units)')
    .requiredOption('--coordinator <address>', 'coordinator host:port')
    .requiredOption('--heads <list>', 'head nodes, comma-separated: host:port or id=host:port (the id a head was started with, so this QCU routes each key to its owner)', listArg)
    .option('--concurrency <n>', 'tasks run at once (default 4)', positiveInt('--concurrency'))
    .option('--batch-size <n>', 'most tasks leased per call (default 64)', positiveInt('--batch-size'))
    .option('--prefetch <n|auto>', 'tasks leased ahead of free slots, started as slots free (default auto: deep for short tasks, none for long ones; a number fixes it)', prefetchArg)
    .option('--lease-ms <n>', 'lease asked for; heartbeats every third of it (default 30000)', positiveInt('--lease-ms'))
    .option('--compute-threads <n>', 'worker threads for CPU-heavy kernels (default cores - 1)', positiveInt('--compute-threads'))
    .option('--drain-ms <n>', 'on SIGTERM, how long running tasks may take before they are handed back (default 110000; Fargate Spot gives 120 s)', positiveInt('--drain-ms'))
    .option('--id <name>', 'worker id (default qcu-<host>-<pid>-<random>)')
    .action(async (flags: QcuFlags & TelemetryFlags) => {
      const telemetry = startRoleTelemetry(flags, 'qcu', flags.id ?? `qcu-${process.pid}`);
      const units = await loadUnits(flags.units ?? EXAMPLE_UNITS_MODULE);
      const worker = new QcuWorker({
        coordinator: flags.coordinator,
        heads: headTargets(flags.heads),
        units,
        workerId: flags.id,
        concurrency: flags.concurrency,
        batchSize: flags.batchSize,
        prefetch: flags.prefetch,
        leaseMs: flags.leaseMs,
        computeThreads: flags.computeThreads,
        drainDeadlineMs: flags.drainMs,
      });
      stopOnSignals(async () => {
        await worker.drain();
        await telemetry.shutdown();
      });
      await worker.start();
      announceReady({ role: 'qcu', id: worker.workerId, address: units.map((u) => `${u.name}@${u.version}`).join(',') });
    });
}
