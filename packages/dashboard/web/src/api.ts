/** The dashboard server's JSON API (see packages/dashboard/src/views.ts for the shapes). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`./api/${path}`, { ...init, headers: { accept: 'application/json', ...(init?.headers ?? {}) } });
  const body = (await res.json()) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new ApiError(body.error?.code ?? String(res.status), `${body.error?.code ?? res.status}: ${body.error?.message ?? res.statusText}`);
  return body;
}

export interface HeadView {
  nodeId: string;
  requests: number;
  requestsPerSec: number | null;
  readP50Ms: number;
  readP99Ms: number;
  hitRatio: number | null;
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
  health: string;
  head: HeadView | null;
}

export interface MembersPage {
  total: number;
  offset: number;
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
  owner: string | null;
  symbolCount: number;
  tasksTotal: number;
  tasksDone: number;
  tasksRunning: number;
  tasksFailed: number;
  retries: number;
  progress: number;
  tasksPerSec: number | null;
  etaMs: number | null;
  hasFinal: boolean;
  hasResult: boolean;
  createdMs: number;
  updatedMs: number;
  finishedMs: number | null;
  error: string | null;
  errorStack: string | null;
  failedTaskIndex: number | null;
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
  worker: string;
  startedMs: number | null;
  durationMs: number | null;
  final: boolean;
  symbols: string;
  error: string | null;
  errorStack: string | null;
}

export interface TaskLog {
  index: number;
  final: boolean;
  attempt: number;
  state: string;
  lines: { timeMs: number; message: string }[];
}

export interface ResultView {
  jobId: string;
  unit: string;
  summary: Record<string, unknown> | null;
  equity: { timestamps: number[]; equity: number[]; drawdown: number[]; sharpe: number | null; maxDrawdown: number | null } | null;
}

export interface DatasetView {
  name: string;
  fields: string[];
  frequency: string;
  symbolCount: number;
}
