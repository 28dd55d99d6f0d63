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

// The shapes the server answers, written once in the server's views.ts (types only: nothing of the server is bundled).
export type { HeadView, MemberView, MembersPage, JobView, TaskView } from '../../src/views.js';

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
