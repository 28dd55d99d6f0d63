/** The JSON the dashboard's APIs answer (what the page renders). */

export type MemberHealth = 'serving' | 'not_serving' | 'unhealthy' | 'unreachable' | 'timeout';

export interface HeadView {
  nodeId: string;
  requests: number;
  /** Reads per second since the previous sample of this head (null on the first). */
  requestsPerSec: number | null;
  readP50Ms: number;
  readP99Ms: number;
  /** Fully cached keys / keys looked up (null before any). */
  hitRatio: number | null;
  /** Points fetched upstream / points served (null before any). */
  amplification: number | null;
  cacheBytes: number;
  cacheMaxBytes: number;
  cacheEntries: number;
  evictions: number;
  peerReads: number;
  upstreamFailures: number;
}

export interface MemberView {
  id: string;
  service: string;
  role: string;
  address: string;
  version: string;
  startedMs: number | null;
  uptimeMs: number | null;
  health: MemberHealth;
  head: HeadView | null;
}

export interface MembersPage {
  total: number;
  offset: number;
  /** Members and healthy members per role, over the whole cluster. */
  roles: Record<string, { members: number; healthy: number }>;
  members: MemberView[];
}

export interface JobView {
  jobId: string;
  unit: string;
  unitVersion: string;
  dataset: string;
  outputDataset: string;
  state: string;
  /** Who submitted the job: not known until the API has identities (the security issue). */
  owner: string | null;
  /** Whether the viewer may cancel it now (unfinished, and their own job or they are admin; anyone's without logins). */
  mayCancel: boolean;
  symbolCount: number;
  tasksTotal: number;
  tasksDone: number;
  tasksRunning: number;
  tasksFailed: number;
  retries: number;
  /** Succeeded tasks / tasks, 0..1. */
  progress: number;
  /** Tasks finished per second since the job was submitted (null before one finished). */
  tasksPerSec: number | null;
  /** Estimated ms to the end at that rate (null when unknown or terminal). */
  etaMs: number | null;
  hasFinal: boolean;
  hasResult: boolean;
  createdMs: number;
  updatedMs: number;
  finishedMs: number | null;
  error: string | null;
  errorStack: string | null;
  failedTaskIndex: number | null;
  /** The failed task's last log lines (failed jobs). */
  failureLog: { timeMs: number; message: string }[] | null;
  params: Record<string, unknown>;
  startMs: number;
  endMs: number;
}

export interface TaskView {
  index: number;
  state: string;
  attempts: number;
  failures: number;
  expiries: number;
  /** The QCU that holds or last held it. */
  worker: string;
  startedMs: number | null;
  /** Run time of the last attempt (to now while leased). */
  durationMs: number | null;
  final: boolean;
  symbols: string;
  error: string | null;
  errorStack: string | null;
}
