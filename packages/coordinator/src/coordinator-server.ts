import { setMaxListeners } from 'node:events';
import { SERVICES, FlorinServer, GrantIssuer, hostPort, serviceDefinition, type ServerState } from '@florin/core';
import { withLeaseTasksEncoder } from './lease-tasks-encoder.js';
import { resolveCoordinatorConfig, type CoordinatorConfig, type CoordinatorOptions } from './coordinator-config.js';
import { publishChanges, type CoordinatorContext } from './coordinator-context.js';
import { JobChangeFeed } from './job-change-feed.js';
import { jobServiceHandlers } from './job-handlers.js';
import { LeaseSweeper } from './lease-sweeper.js';
import type { JobStore } from './store/job-store.js';
import { TaskReadySignal } from './task-ready-signal.js';
import { TaskActivity } from './task-activity.js';
import { LeaseGrants } from './lease-grants.js';
import { workServiceHandlers } from './work-handlers.js';

export const JOB_SERVICE = SERVICES.job;
export const WORK_SERVICE = SERVICES.work;

export interface CoordinatorServerOptions extends CoordinatorOptions {
  /** The durable state (openJobStore). It belongs to the caller: close() leaves it open. */
  store: JobStore;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
}

/**
 * The coordinator: serves florin.v1.JobService (SDK / CLI) and
 * florin.v1.WorkService (QCUs), plus health and reflection, over one JobStore.
 * Lifecycle: created -> serving (start) -> draining -> stopped (close).
 */
export class CoordinatorServer {
  readonly config: CoordinatorConfig;
  readonly store: JobStore;
  private readonly server: FlorinServer;
  private readonly sweeper: LeaseSweeper;
  private readonly shutdown = new AbortController();
  private readonly host: string;
  private readonly port: number;
  private starting: Promise<{ address: string; port: number }> | undefined;
  private closing: Promise<void> | undefined;
  private addressValue: string | undefined;
  private readonly ready = new TaskReadySignal();

  constructor(options: CoordinatorServerOptions) {
    const { store, host, port, ...rest } = options;
    if (!store) throw new TypeError('CoordinatorServer needs a store (openJobStore)');
    this.config = resolveCoordinatorConfig(rest);
    this.store = store;
    this.host = host ?? '127.0.0.1';
    this.port = port ?? 0;
    // Every long poll and watch listens for shutdown: one listener per open call is expected, not a leak.
    setMaxListeners(0, this.shutdown.signal);
    const ctx: CoordinatorContext = {
      store,
      config: this.config,
      ready: this.ready,
      feed: new JobChangeFeed(),
      shutdown: this.shutdown.signal,
      activity: new TaskActivity(),
      grants: this.config.grantKey && this.config.security?.auth ? new LeaseGrants(new GrantIssuer(this.config.grantKey), store) : undefined,
    };
    this.sweeper = new LeaseSweeper({
      store,
      policy: this.config.policy,
      intervalMs: this.config.sweepIntervalMs,
      onChanges: (changes) => publishChanges(ctx, changes),
      onError: this.config.onBackgroundError,
    });
    this.server = new FlorinServer({ limits: this.config.limits, security: this.config.security });
    this.server.addService(JOB_SERVICE, serviceDefinition(JOB_SERVICE), jobServiceHandlers(ctx));
    this.server.addService(WORK_SERVICE, withLeaseTasksEncoder(serviceDefinition(WORK_SERVICE)), workServiceHandlers(ctx));
  }

  get state(): ServerState {
    return this.server.state;
  }

  /** LeaseTasks long polls waiting for tasks now. */
  get longPolls(): number {
    return this.ready.waiting;
  }

  /** host:port once serving. */
  get address(): string | undefined {
    return this.addressValue;
  }

  /** Binds, starts the lease sweeper and reports SERVING. Calling it again returns the same result. */
  start(): Promise<{ address: string; port: number }> {
    this.starting ??= this.listen();
    return this.starting;
  }

  private async listen(): Promise<{ address: string; port: number }> {
    if (this.server.state !== 'created') throw new Error(`cannot start: coordinator is ${this.server.state}`);
    const port = await this.server.listen(this.host, this.port);
    this.addressValue = hostPort(this.host, port);
    this.sweeper.start();
    return { address: this.addressValue, port };
  }

  /**
   * Health NOT_SERVING while every call is still answered for `noticeMs` (the
   * drain notice: discovery forgets this member meanwhile); close() then drains.
   * Idempotent.
   */
  leave(noticeMs?: number): Promise<void> {
    return this.server.leave(noticeMs);
  }

  /**
   * Stops the sweeper, answers long polls (empty) and ends watch streams
   * (UNAVAILABLE), drains in-flight calls for `graceMs` (default
   * closeGraceMs), then stops. Idempotent; safe before start(). Leased tasks
   * stay leased: their QCUs complete them after a restart, or the leases expire.
   */
  close(graceMs = this.config.closeGraceMs): Promise<void> {
    this.closing ??= (async () => {
      this.shutdown.abort();
      await this.sweeper.stop();
      await this.server.close(graceMs);
    })();
    return this.closing;
  }
}
