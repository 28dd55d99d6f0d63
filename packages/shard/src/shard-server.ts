import { SERVICES, FlorinServer, hostPort, serviceDefinition, type Limits, type ServerState } from '@florin/core';
import { CatalogCache } from './catalog-cache.js';
import { createDatasetHandler, describeShardHandler, listDatasetsHandler, listSymbolsHandler } from './catalog-handlers.js';
import type { ShardContext } from './context.js';
import { Ownership } from './ownership.js';
import { readHandler } from './read-handler.js';
import { resolveShardConfig, type ShardServerConfig, type ShardServerOptions } from './shard-config.js';
import { ShardStatsRecorder, type ShardStats } from './shard-stats.js';
import { writeHandler } from './write-handler.js';
import { WriteLane } from './write-lane.js';

export const SHARD_SERVICE = SERVICES.shard;

/**
 * A shard: serves florin.v1.ShardService (plus health and reflection) for the
 * partition of series it owns. Lifecycle: created -> serving (start) ->
 * draining -> stopped (close). The store belongs to the caller: close() stops
 * serving but leaves the store open.
 */
export class ShardServer {
  readonly config: ShardServerConfig;
  private readonly server: FlorinServer;
  private readonly statsRecorder = new ShardStatsRecorder();
  private starting: Promise<{ address: string; port: number }> | undefined;
  private addressValue: string | undefined;

  constructor(options: ShardServerOptions) {
    this.config = resolveShardConfig(options);
    const ctx: ShardContext = {
      store: this.config.store,
      catalog: new CatalogCache(this.config.store),
      ownership: new Ownership(this.config.shardId, this.config.shardCount),
      limits: this.config.limits,
      // The writer check runs before every store write, merged or not (several tasks may serve the partition).
      writes: new WriteLane(this.config.store, { beforeWrite: () => this.config.writer?.assertWriter() }),
      stats: this.statsRecorder,
      writer: this.config.writer,
    };
    this.server = new FlorinServer({ limits: this.config.limits, security: this.config.security });
    this.server.addService(SHARD_SERVICE, serviceDefinition(SHARD_SERVICE), {
      Read: readHandler(ctx),
      Write: writeHandler(ctx),
      ListDatasets: listDatasetsHandler(ctx),
      CreateDataset: createDatasetHandler(ctx),
      ListSymbols: listSymbolsHandler(ctx),
      DescribeShard: describeShardHandler(ctx),
    });
  }

  get state(): ServerState {
    return this.server.state;
  }

  get shardId(): number {
    return this.config.shardId;
  }

  get limits(): Limits {
    return this.config.limits;
  }

  /**
   * What this shard served since it started or the last reset: read and write
   * counters plus its last reads (dataset, symbol count, range, points). With
   * `reset`, counters and recent reads restart from zero after the snapshot.
   */
  stats(reset = false): ShardStats {
    return this.statsRecorder.snapshot(reset);
  }

  /** host:port once serving, for ShardClient / ShardRouter. */
  get address(): string | undefined {
    return this.addressValue;
  }

  /** Opens the store (idempotent), binds, and reports SERVING. Calling it again returns the same result. */
  start(): Promise<{ address: string; port: number }> {
    this.starting ??= this.listen();
    return this.starting;
  }

  private async listen(): Promise<{ address: string; port: number }> {
    if (this.server.state !== 'created') throw new Error(`cannot start: shard server is ${this.server.state}`);
    await this.config.store.open();
    const { host } = this.config;
    const port = await this.server.listen(host, this.config.port);
    this.addressValue = hostPort(host, port);
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
   * to finish, cancels the rest, and stops. Idempotent; safe before start().
   */
  close(graceMs?: number): Promise<void> {
    return this.server.close(graceMs);
  }
}
