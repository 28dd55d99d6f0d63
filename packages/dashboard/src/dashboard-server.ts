import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createLogger, type ClientSecurity, type Logger } from '@florin/core';
import { connect, type FlorinConnection } from '@florin/client';
import type { Discovery } from '@florin/discovery';
import { routeApi, type ApiContext } from './api-routes.js';
import { ClusterView } from './cluster-view.js';
import { DataView } from './data-view.js';
import { sendError, sendJson } from './http-json.js';
import { JobFeed } from './job-feed.js';
import { EventStreams } from './sse.js';
import { StaticFiles } from './static-files.js';

export interface DashboardOptions {
  /** Where the cluster's members are found (started or not); the dashboard does not close it unless `closeDiscovery`. */
  discovery: Discovery;
  closeDiscovery?: boolean;
  /** TLS and the token of the dashboard's calls (a secure cluster's); default plaintext. */
  security?: ClientSecurity;
  /** Discovery services holding head nodes (default ['heads']). */
  headServices?: readonly string[];
  /** Discovery service holding the shards (default 'shards'). */
  shardService?: string;
  /** Discovery service holding the coordinator (default 'coordinator'); null: a cluster without jobs. */
  coordinatorService?: string | null;
  /** Interface to listen on (default 127.0.0.1) and port (default 0: any free one). */
  host?: string;
  port?: number;
  /** The bundled page (default: this package's dist/web, what `npm run build:web` writes). */
  webRoot?: string;
  /** How often live job updates are polled while a page follows them (default 1,000 ms). */
  jobPollMs?: number;
}

export type DashboardState = 'created' | 'starting' | 'serving' | 'stopping' | 'stopped';

const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../dist/web', import.meta.url));

/**
 * The web dashboard: a node:http server answering the JSON APIs under /api/
 * (cluster, jobs, tasks, results, data), a server-sent event stream of job
 * changes and membership changes (/api/events), and the page's static files.
 * Everything it shows comes through the SDK (heads, coordinator) and discovery.
 */
export class DashboardServer {
  private stateValue: DashboardState = 'created';
  private readonly log: Logger = createLogger('dashboard');
  private readonly server: Server;
  private readonly connection: FlorinConnection;
  private readonly cluster: ClusterView;
  private readonly streams: EventStreams;
  private readonly feed: JobFeed | undefined;
  private readonly files: StaticFiles;
  private readonly api: ApiContext;
  private readonly offMembership: () => void;
  private urlValue: string | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: DashboardOptions) {
    const headServices = options.headServices ?? ['heads'];
    const coordinatorService = options.coordinatorService === undefined ? 'coordinator' : options.coordinatorService;
    this.connection = connect({ discovery: options.discovery, headServices, coordinatorService, keepDiscovery: true, security: options.security });
    this.cluster = new ClusterView(options.discovery, [
      ...(coordinatorService ? [{ service: coordinatorService, role: 'coordinator' }] : []),
      ...headServices.map((service) => ({ service, role: 'head' })),
      { service: options.shardService ?? 'shards', role: 'shard' },
    ], Date.now, options.security);
    const jobs = this.connection.jobs;
    this.feed = jobs ? new JobFeed(jobs, (job) => this.streams.send('job', job), options.jobPollMs ?? 1_000, (err) => this.log.warn({ err: String(err) }, 'job feed poll failed')) : undefined;
    this.streams = new EventStreams((count) => this.feed?.followers(count));
    this.offMembership = this.cluster.onChange(() => this.streams.send('members', { atMs: Date.now() }));
    this.files = new StaticFiles(options.webRoot ?? DEFAULT_WEB_ROOT);
    this.api = {
      cluster: this.cluster,
      data: new DataView(this.connection.data),
      dataClient: this.connection.data,
      jobs,
      events: (_req, res) => this.streams.add(res, [{ event: 'hello', data: { jobs: jobs !== undefined } }]),
    };
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  get state(): DashboardState {
    return this.stateValue;
  }

  /** http://host:port/ once serving. */
  get url(): string {
    if (!this.urlValue) throw new Error(`the dashboard is ${this.stateValue}, not serving`);
    return this.urlValue;
  }

  async start(): Promise<string> {
    if (this.stateValue !== 'created') throw new Error(`cannot start: the dashboard is ${this.stateValue}`);
    this.stateValue = 'starting';
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    this.urlValue = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
    this.stateValue = 'serving';
    return this.urlValue;
  }

  /** Ends the event streams, stops listening, closes the SDK connection (and discovery if asked). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stateValue = 'stopping';
      this.offMembership();
      this.feed?.close();
      this.streams.close();
      await new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      });
      this.cluster.close();
      this.connection.close();
      if (this.options.closeDiscovery) await this.options.discovery.close();
      this.stateValue = 'stopped';
    })();
    return this.closing;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
        if (req.method === 'POST' && !sameOrigin(req)) return sendJson(res, 403, { error: { code: 'PERMISSION_DENIED', message: 'cross-origin request refused' } });
        await routeApi(this.api, req, res, url);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: { code: 'INVALID_ARGUMENT', message: `${req.method} is not allowed here` } });
      await this.files.serve(url.pathname, res);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, err, (e) => this.log.error({ err: e instanceof Error ? e.stack : String(e) }, 'dashboard request failed'));
    }
  }
}

/** A POST from another site's page (its Origin header names another host) is refused. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
