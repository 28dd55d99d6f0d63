import { CoordinatorServer, type CoordinatorServerOptions } from './coordinator-server.js';
import { openJobStore, type JobStoreSpec } from './store/open-job-store.js';
import type { JobStore } from './store/job-store.js';

export interface RunCoordinatorOptions extends Omit<CoordinatorServerOptions, 'store'> {
  /** Where state lives: 'sqlite:<path>', a .sqlite/.db path, or a postgres:// URL (see openJobStore). */
  store: JobStoreSpec;
}

export interface RunningCoordinator {
  readonly server: CoordinatorServer;
  readonly store: JobStore;
  readonly address: string;
  readonly port: number;
  /** Closes the server, then the store. Idempotent. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Opens the store, starts a CoordinatorServer on it, and answers a handle
 * that closes both. What `florin coordinator` runs.
 */
export async function runCoordinator(options: RunCoordinatorOptions): Promise<RunningCoordinator> {
  const { store: spec, ...serverOptions } = options;
  const store = await openJobStore(spec);
  let server: CoordinatorServer;
  let bound: { address: string; port: number };
  try {
    server = new CoordinatorServer({ ...serverOptions, store });
    bound = await server.start();
  } catch (err) {
    await store.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    server,
    store,
    address: bound.address,
    port: bound.port,
    close(graceMs?: number) {
      closing ??= (async () => {
        try {
          await server.close(graceMs);
        } finally {
          await store.close();
        }
      })();
      return closing;
    },
  };
}
