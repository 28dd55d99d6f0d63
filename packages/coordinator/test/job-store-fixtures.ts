import type { JobStore, NewJob, ResolvedJobSpec, TaskOutcome, TaskPolicy } from '@florin/coordinator';

/** What the JobStore contract (job-store-contract.ts) runs on: backends, an older schema, jobs, outcomes and leases. */

/** A backend under test: open() gives a fresh store; reopen() opens the same state again (a restart). */
export interface StoreBackend {
  open(): Promise<JobStore>;
  reopen(): Promise<JobStore>;
  /** Runs SQL on the backend's database directly (before open(): to lay down an older schema). */
  raw(statements: readonly string[]): Promise<void>;
  cleanup(): Promise<void>;
}

/** coord_units as the first release created it: no output columns. */
export const LEGACY_UNITS_TABLE = `CREATE TABLE coord_units (
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  params_schema TEXT NOT NULL,
  has_final INTEGER NOT NULL,
  description TEXT NOT NULL,
  worker_id TEXT NOT NULL,
  registered_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL,
  PRIMARY KEY (name, version)
)`;

export const LEGACY_UNIT_ROW = `INSERT INTO coord_units VALUES ('momentum', '0.9.0', '{}', 0, 'old', 'w-old', ${1_600_000_000_000}, ${1_600_000_000_000})`;

export const POLICY: TaskPolicy = { retryBaseMs: 1_000, retryMaxMs: 8_000, maxLeaseExpiries: 3, maxResultBytes: 1_000, maxFinalInputBytes: 10_000 };
export const T0 = 1_700_000_000_000;
export const UNIT = { name: 'momentum', version: '1.0.0' };
export const FINAL_UNIT = { name: 'ranker', version: '2.0.0' };
export const SIGNAL_OUTPUT = { dataset: 'momentum_signal', fields: ['momentum', 'ret'], frequency: '1d' };
export const RANK_OUTPUT = { dataset: 'ranks', fields: ['rank'], frequency: '1d' };

let jobCounter = 0;

export function newJob(overrides: Partial<ResolvedJobSpec> & { hasFinal?: boolean; nowMs?: number } = {}): NewJob {
  const { hasFinal, nowMs, ...spec } = overrides;
  const full: ResolvedJobSpec = {
    unit: UNIT.name,
    unitVersion: UNIT.version,
    dataset: 'daily',
    symbols: ['A', 'B', 'C', 'D', 'E', 'F', 'G'],
    startMs: 0,
    endMs: 86_400_000,
    taskSize: 3,
    paramsJson: '{"window":20}',
    outputDataset: 'signals',
    idempotencyKey: '',
    maxAttempts: 3,
    ...spec,
  };
  return { jobId: `job-test-${++jobCounter}`, spec: full, specHash: `hash-${jobCounter}`, hasFinal: hasFinal ?? false, nowMs: nowMs ?? T0, traceparent: '', owner: '' };
}

export const ok = (taskId: string, attempt: number, result: unknown = { n: 1 }): TaskOutcome => ({
  taskId,
  attempt,
  ok: true,
  resultJson: JSON.stringify(result),
  error: '',
  stack: '',
  retryable: false,
  log: [],
});
export const fail = (taskId: string, attempt: number, retryable: boolean, error = 'boom'): TaskOutcome => ({
  taskId,
  attempt,
  ok: false,
  resultJson: '',
  error,
  stack: `Error: ${error}\n    at unit.ts:1:1`,
  retryable,
  log: [],
});
export const lease = (store: JobStore, workerId: string, maxTasks: number, nowMs: number, units = [UNIT]) =>
  store.leaseTasks({ workerId, units, maxTasks, leaseMs: 10_000, nowMs, policy: POLICY });
