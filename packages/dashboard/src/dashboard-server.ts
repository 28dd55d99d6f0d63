import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createLogger, FlorinError, type CallerIdentity, type ClientSecurity, type Logger, type TokenVerifier } from '@florin/core';
import { connect, type FlorinConnection } from '@florin/client';
import type { Discovery } from '@florin/discovery';
import { routeApi, type ApiContext } from './api-routes.js';
import { ClusterView } from './cluster-view.js';
import { DataView } from './data-view.js';
import { readBody, sendError, sendJson } from './http-json.js';
import { JobFeed } from './job-feed.js';
import { clearedCookie, DashboardSessions, sessionCookie, type SessionOptions, type SessionResources } from './sessions.js';
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
  /**
   * Logins (a secure cluster): the page's APIs need a session, made from a
   * token verified with these keys (pasted into the page, or the one-time
   * code of `loginUrl`); each session calls the cluster with its caller's
   * token. Needs `security.tls`. Without it the dashboard calls with its own
   * identity and anyone who reaches its port sees everything.
   */
  auth?: { tokens: TokenVerifier } & SessionOptions;
}

/** What one viewer of the page calls the cluster with: the dashboard's own connection without logins, else the session's. */
interface Viewer extends SessionResources {
  api: ApiContext;
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
  /** The job feed of each viewer group ('' without logins, else the session id). */
  private readonly feeds = new Map<string, JobFeed>();
  private readonly files: StaticFiles;
  /** Without logins: the one viewer (the dashboard's own identity). */
  private readonly anonymous: Viewer | undefined;
  private readonly sessions: DashboardSessions<Viewer> | undefined;
  private readonly offMembership: () => void;
  private urlValue: string | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: DashboardOptions) {
    if (options.auth && !options.security?.tls) throw new Error('DashboardServer: logins (auth) need TLS to the cluster (security.tls): tokens only travel over TLS');
    const headServices = options.headServices ?? ['heads'];
    const coordinatorService = options.coordinatorService === undefined ? 'coordinator' : options.coordinatorService;
    const connectAs = (security: ClientSecurity | undefined): FlorinConnection =>
      connect({ discovery: options.discovery, headServices, coordinatorService, keepDiscovery: true, security });
    this.connection = connectAs(options.security);
    this.cluster = new ClusterView(options.discovery, [
      ...(coordinatorService ? [{ service: coordinatorService, role: 'coordinator' }] : []),
      ...headServices.map((service) => ({ service, role: 'head' })),
      { service: options.shardService ?? 'shards', role: 'shard' },
    ], Date.now, options.security);
    this.streams = new EventStreams((group, count) => this.feeds.get(group)?.followers(count));
    this.offMembership = this.cluster.onChange(() => this.streams.send('members', { atMs: Date.now() }));
    this.files = new StaticFiles(options.webRoot ?? DEFAULT_WEB_ROOT);
    if (options.auth) {
      const { tokens, ...sessionOptions } = options.auth;
      this.sessions = new DashboardSessions<Viewer>(
        tokens,
        (id, identity, token) => {
          const connection = connectAs({ ...options.security, token });
          const viewer = this.viewer(id, connection, identity);
          return {
            api: viewer.api,
            close: () => {
              viewer.close();
              connection.close();
            },
          };
        },
        sessionOptions,
      );
    } else {
      this.anonymous = this.viewer('', this.connection, undefined);
    }
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Whether the page needs a login. */
  get requiresLogin(): boolean {
    return this.sessions !== undefined;
  }

  /**
   * A URL that logs a browser in once as the holder of `token` (what `florin
   * up` prints for its admin token): a one-time code, usable for
   * `auth.codeTtlMs` (10 min), so the token itself never appears in the URL.
   */
  loginUrl(token: string): string {
    if (!this.sessions) throw new Error('this dashboard has no logins (no auth): its address needs none');
    return `${this.url}login?code=${this.sessions.loginCode(token)}`;
  }

  /** The API context and job feed of one viewer group, on `connection` (called with `identity`'s token). */
  private viewer(group: string, connection: FlorinConnection, identity: CallerIdentity | undefined): Viewer {
    const jobs = connection.jobs;
    if (jobs) {
      const onError = (err: unknown): void => this.log.warn({ err: String(err) }, 'job feed poll failed');
      this.feeds.set(group, new JobFeed(jobs, (job) => this.streams.sendTo(group, 'job', job), this.options.jobPollMs ?? 1_000, onError, identity));
    }
    const api: ApiContext = {
      cluster: this.cluster,
      data: new DataView(connection.data),
      dataClient: connection.data,
      jobs,
      viewer: identity,
      events: (_req, res) => this.streams.add(res, [{ event: 'hello', data: { jobs: jobs !== undefined } }], group),
    };
    return {
      api,
      close: () => {
        this.feeds.get(group)?.close();
        this.feeds.delete(group);
        this.streams.endGroup(group);
      },
    };
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
      this.sessions?.close();
      this.anonymous?.close();
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
        if (await this.routeSession(req, res, url.pathname)) return;
        const viewer = this.anonymous ?? this.sessions!.find(req)?.resources;
        if (!viewer) {
          return sendJson(res, 401, {
            error: { code: 'UNAUTHENTICATED', message: 'log in first: open the login link florin up / florin dashboard printed, or paste a token (florin token issue --role researcher)' },
          });
        }
        await routeApi(viewer.api, req, res, url);
        return;
      }
      if (url.pathname === '/login' && req.method === 'GET' && this.sessions) return await this.redeem(url, res);
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

  /** The session API: GET /api/session, POST /api/login {"token"}, POST /api/logout. True when it answered. */
  private async routeSession(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (path === '/api/session' && req.method === 'GET') {
      if (!this.sessions) {
        sendJson(res, 200, { login: false, subject: null, role: null });
        return true;
      }
      const session = this.sessions.find(req);
      if (!session) sendJson(res, 401, { error: { code: 'UNAUTHENTICATED', message: 'not logged in' } });
      else sendJson(res, 200, { login: true, subject: session.identity.subject, role: session.identity.role });
      return true;
    }
    if (path === '/api/login' && req.method === 'POST') {
      if (!this.sessions) throw new FlorinError('FAILED_PRECONDITION', 'this dashboard has no logins: the cluster runs without identity checks');
      const body = await readBody(req, 16 * 1024);
      let token: unknown;
      try {
        token = (JSON.parse(body) as { token?: unknown }).token;
      } catch {
        token = undefined;
      }
      if (typeof token !== 'string' || token.trim() === '') throw new FlorinError('INVALID_ARGUMENT', 'send {"token": "<a Florin token (JWT)>"}');
      const session = await this.sessions.login(token);
      res.setHeader('set-cookie', sessionCookie(session.id, session.identity.expiresAt));
      sendJson(res, 200, { login: true, subject: session.identity.subject, role: session.identity.role });
      return true;
    }
    if (path === '/api/logout' && req.method === 'POST') {
      const session = this.sessions?.find(req);
      if (session) this.sessions!.end(session.id);
      res.setHeader('set-cookie', clearedCookie());
      sendJson(res, 200, { login: false });
      return true;
    }
    return false;
  }

  /** GET /login?code=...: a one-time login link; sets the session cookie and goes to the page. */
  private async redeem(url: URL, res: ServerResponse): Promise<void> {
    try {
      const session = await this.sessions!.redeem(url.searchParams.get('code') ?? '');
      res.writeHead(303, { location: '/', 'set-cookie': sessionCookie(session.id, session.identity.expiresAt), 'cache-control': 'no-store' });
      res.end();
    } catch (err) {
      const message = err instanceof FlorinError ? err.message : 'the login failed';
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`${message}\n`);
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
