import { runCoordinator, type CoordinatorOptions, type JobStoreSpec } from '@florin/coordinator';

/**
 * A coordinator in its own process, forked by CoordinatorProcess
 * (bench/lib/coordinator-child.ts) with an IPC channel:
 *   node bench/dist/lib/coordinator-process.js '<json { store, options }>'
 * It sends { port, pid } once serving, answers the message 'cpu' with
 * { cpuMs } (its CPU time so far), and closes (then exits) on the message
 * 'close', on SIGINT/SIGTERM, or when the parent goes away (IPC disconnect),
 * so it never outlives the benchmark.
 */
interface ChildArgs {
  store: JobStoreSpec;
  options: CoordinatorOptions;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
if (!process.send) {
  process.stderr.write('coordinator-process must be forked with an IPC channel (see CoordinatorProcess)\n');
  process.exit(2);
}
const running = await runCoordinator({ store: args.store, ...args.options, onBackgroundError: (err) => console.error('coordinator:', err) });
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void running
    .close(500)
    .catch((err: unknown) => console.error('coordinator close failed:', err))
    .finally(() => process.exit(0));
};
process.on('message', (message) => {
  if (message === 'close') stop();
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMs: (user + system) / 1000 });
  }
});
process.once('disconnect', stop);
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
process.send({ port: running.port, pid: process.pid });
