import { SERVICES, FlorinServer, hostPort, serviceDefinition, type ServerSecurity, type ServerState } from '@florin/core';
import { ShardRouter, type ShardMembership } from '@florin/shard-client';
import { HeadNode } from './head-node.js';
import type { HeadOptions } from './options.js';
import { peerTrust } from './peer-trust.js';
import { readHandler } from './read-handler.js';
import {
  createDatasetHandler,
  describeHeadHandler,
  getStatsHandler,
  listDatasetsHandler,
  listSymbolsHandler,
  writeHandler,
} from './unary-handlers.js';
import type { Upstream } from './upstream.js';

export const HEAD_SERVICE = SERVICES.head;

export interface HeadServerOptions extends HeadOptions {
  /** The shards to read from and write to. The caller owns it (close() leaves it open). */
  upstream?: Upstream;
  /** Alternatively, shard addresses by shard id: the head makes a ShardRouter and closes it on close(). */
  shards?: readonly string[] | ShardMembership;
  /** Interface to bind. Default '127.0.0.1'. */
  host?: string;
  /** Port to bind. Default 0: a free port, reported by start(). */
  port?: number;
  /** TLS and caller authentication of this head's server; default none (plaintext). */
  security?: ServerSecurity;
}

export const DEFAULT_HEAD_HOST = '127.0.0.1';
export const DEFAULT_HEAD_PORT = 0;

/**
 * A head node serving florin.v1.HeadService (plus health and reflection).
 * Lifecycle: created -> serving (start) -> draining -> stopped (close).
 */
export class HeadServer {
  readonly node: HeadNode;
  private readonly server: FlorinServer;
  private readonly host: string;
  private readonly port: number;
  private readonly ownedRouter: ShardRouter | undefined;
  private starting: Promise<{ address: string; port: number }> | undefined;
  private closing: Promise<void> | undefined;
  private addressValue: string | undefined;

  constructor(options: HeadServerOptions) {
    const { upstream, shards, host, port, security, ...headOptions } = options;
    if (!upstream === !shards) throw new TypeError('HeadServer needs exactly one of upstream or shards');
    this.host = host ?? DEFAULT_HEAD_HOST;
    if (this.host.length === 0) throw new TypeError('host must not be empty');
    this.port = port ?? DEFAULT_HEAD_PORT;
    if (!Number.isInteger(this.port) || this.port < 0 || this.port > 65_535) {
      throw new TypeError(`port must be an integer in [0, 65535], got ${String(port)}`);
    }
    this.ownedRouter = shards ? new ShardRouter(shards, { limits: headOptions.limits, security: headOptions.clientSecurity }) : undefined;
    this.node = new HeadNode(upstream ?? this.ownedRouter!, headOptions);
    this.server = new FlorinServer({ limits: this.node.config.limits, security });
    // `florin-peer` is honoured from any caller only when no identity is checked; otherwise from the head role alone.
    const trustedPeer = peerTrust(security?.auth !== undefined);
    this.server.addService(HEAD_SERVICE, serviceDefinition(HEAD_SERVICE), {
      Read: readHandler(this.node, trustedPeer),
      Write: writeHandler(this.node, trustedPeer),
      ListDatasets: listDatasetsHandler(this.node),
      CreateDataset: createDatasetHandler(this.node),
      ListSymbols: listSymbolsHandler(this.node),
      GetStats: getStatsHandler(this.node),
      DescribeHead: describeHeadHandler(this.node),
    });
  }

  get state(): ServerState {
    return this.server.state;
  }

  /** host:port once serving. */
  get address(): string | undefined {
    return this.addressValue;
  }

  /** Binds and reports SERVING. Calling it again returns the same result. */
  start(): Promise<{ address: string; port: number }> {
    this.starting ??= this.listen();
    return this.starting;
  }

  private async listen(): Promise<{ address: string; port: number }> {
    const port = await this.server.listen(this.host, this.port);
    this.addressValue = hostPort(this.host, port);
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
   * Drains (health NOT_SERVING, no new calls), gives in-flight calls `graceMs`
   * to finish, then stops the node (lingering reads and fetches fail with
   * UNAVAILABLE) and closes the router it made. Idempotent; safe before start().
   */
  close(graceMs?: number): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.server.close(graceMs);
      } finally {
        this.node.close();
        this.ownedRouter?.close();
      }
    })();
    return this.closing;
  }
}
