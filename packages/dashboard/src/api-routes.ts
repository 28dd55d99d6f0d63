import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidArgument, notFound, FlorinError, type CallerIdentity } from '@florin/core';
import type { DataClient, JobsClient, JobState, TaskState } from '@florin/client';
import type { ClusterView } from './cluster-view.js';
import type { DataView } from './data-view.js';
import { drainBody, intParam, requiredParam, sendJson } from './http-json.js';
import { jobView, taskView } from './job-views.js';
import { resultView } from './result-view.js';

export interface ApiContext {
  cluster: ClusterView;
  data: DataView;
  dataClient: DataClient;
  jobs: JobsClient | undefined;
  /** The logged-in caller whose token the calls carry (undefined without logins). */
  viewer: CallerIdentity | undefined;
  /** Serves GET /api/events (the live stream). */
  events(req: IncomingMessage, res: ServerResponse): void;
}

const JOB_STATES: readonly string[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
const TASK_STATES: readonly string[] = ['queued', 'leased', 'succeeded', 'failed', 'cancelled'];

/** The JSON API under /api/. Throws FlorinErrors (mapped to HTTP statuses by the server). */
export async function routeApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const parts = url.pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
  const method = req.method ?? 'GET';
  const [head, id, sub] = parts;
  if (method === 'GET' && head === 'events' && parts.length === 1) return ctx.events(req, res);
  if (method === 'GET' && head === 'cluster' && parts.length === 1) {
    const role = url.searchParams.get('role') ?? undefined;
    return sendJson(res, 200, await ctx.cluster.page({ offset: intParam(url, 'offset', 0, 1e9), limit: intParam(url, 'limit', 50, 500) || 50, ...(role ? { role } : {}) }));
  }
  if (head === 'jobs') return routeJobs(ctx, method, id, sub, parts.length, req, res, url);
  if (method === 'GET' && head === 'datasets' && parts.length === 1) return sendJson(res, 200, { datasets: await ctx.data.datasets() });
  if (method === 'GET' && head === 'datasets' && sub === 'symbols' && parts.length === 3) {
    const page = await ctx.data.symbolPage(id!, url.searchParams.get('prefix') ?? '', intParam(url, 'offset', 0, 1e9), intParam(url, 'limit', 100, 1000) || 100);
    return sendJson(res, 200, page);
  }
  if (method === 'GET' && head === 'series' && parts.length === 1) {
    const series = await ctx.data.series(requiredParam(url, 'dataset'), requiredParam(url, 'symbol'), requiredParam(url, 'field'), url.searchParams.get('from'), url.searchParams.get('to'));
    return sendJson(res, 200, series);
  }
  throw notFound(`no dashboard API ${method} ${url.pathname}`);
}

async function routeJobs(
  ctx: ApiContext,
  method: string,
  id: string | undefined,
  sub: string | undefined,
  depth: number,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const jobs = ctx.jobs;
  if (!jobs) throw new FlorinError('FAILED_PRECONDITION', 'this cluster has no coordinator (started with --qcus 0?), so it has no jobs');
  const now = Date.now();
  if (method === 'GET' && depth === 1) {
    const state = url.searchParams.get('state');
    if (state && !JOB_STATES.includes(state)) throw invalidArgument(`state must be one of ${JOB_STATES.join(', ')}, got ${JSON.stringify(state)}`);
    const page = await jobs.listPage({
      limit: intParam(url, 'limit', 50, 1000) || 50,
      pageToken: url.searchParams.get('page_token') ?? '',
      ...(state ? { states: [state as JobState] } : {}),
      ...(url.searchParams.get('unit') ? { unit: url.searchParams.get('unit')! } : {}),
    });
    return sendJson(res, 200, { jobs: page.jobs.map((j) => jobView(j, now, ctx.viewer)), nextPageToken: page.nextPageToken });
  }
  if (!id) throw notFound('no job id');
  if (method === 'GET' && depth === 2) return sendJson(res, 200, jobView(await jobs.get(id), now, ctx.viewer));
  if (method === 'GET' && sub === 'tasks' && depth === 3) {
    const state = url.searchParams.get('state');
    if (state && !TASK_STATES.includes(state)) throw invalidArgument(`state must be one of ${TASK_STATES.join(', ')}, got ${JSON.stringify(state)}`);
    const page = await jobs.tasks(id, {
      limit: intParam(url, 'limit', 100, 1000) || 100,
      pageToken: url.searchParams.get('page_token') ?? '',
      ...(state ? { states: [state as TaskState] } : {}),
    });
    return sendJson(res, 200, { tasks: page.tasks.map((t) => taskView(t, now)), nextPageToken: page.nextPageToken });
  }
  if (method === 'GET' && sub === 'result' && depth === 3) {
    const job = await jobs.get(id);
    return sendJson(res, 200, resultView(job.jobId, job.unit, job.result));
  }
  if (method === 'GET' && sub === 'logs' && depth === 3) return sendJson(res, 200, { tasks: await jobs.logs(id) });
  if (method === 'POST' && sub === 'cancel' && depth === 3) {
    await drainBody(req);
    return sendJson(res, 200, jobView(await jobs.cancel(id), now, ctx.viewer));
  }
  throw notFound(`no dashboard API ${method} ${url.pathname}`);
}
