import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { RoleProcess } from './role-process.js';
import { removeClusterFile, writeClusterFile, type ClusterFile } from './cluster-file.js';
import { ensureMarket, shardFile, type MarketOptions } from './seed-market.js';

export interface LocalClusterOptions {
  /** Data directory: per-shard DuckDB files and cluster.json. */
  dataDir: string;
  /** Shard processes (default 2). */
  shards: number;
  /** Head-node processes (default 2). */
  heads: number;
  /** Interface every process binds (loopback only). */
  host: string;
  /** Sample market generated on first run. */
  market: MarketOptions;
  /** Extra arguments passed to every head process (e.g. cache size). */
  headArgs: readonly string[];
  log: (line: string) => void;
}

export type LocalClusterState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

/** Starts N shard processes over per-shard DuckDB files and M head nodes in front of them. */
export class LocalCluster {
  private stateValue: LocalClusterState = 'created';
  private readonly shardProcs: RoleProcess[] = [];
  private readonly headProcs: RoleProcess[] = [];
  private info: ClusterFile | undefined;
  private stopping: Promise<void> | undefined;
  readonly options: LocalClusterOptions;

  constructor(options: LocalClusterOptions) {
    this.options = { ...options, dataDir: resolve(options.dataDir) };
  }

  get state(): LocalClusterState {
    return this.stateValue;
  }

  /** Addresses of the running processes (after start). */
  get cluster(): ClusterFile {
    if (!this.info) throw new Error(`cluster is ${this.stateValue}, not running`);
    return this.info;
  }

  async start(): Promise<ClusterFile> {
    if (this.stateValue !== 'created') throw new Error(`cannot start: cluster is ${this.stateValue}`);
    this.stateValue = 'starting';
    const { dataDir, shards, heads, host, log } = this.options;
    try {
      await mkdir(dataDir, { recursive: true });
      await ensureMarket(dataDir, shards, this.options.market, log);
      for (let id = 0; id < shards; id++) {
        this.shardProcs.push(
          new RoleProcess(`shard-${id}`, ['shard', '--data', shardFile(dataDir, id), '--shard-id', String(id), '--shard-count', String(shards), '--host', host, '--port', '0'], log),
        );
      }
      const shardReady = await Promise.all(this.shardProcs.map((p) => p.ready()));
      const shardAddresses = shardReady.map((r) => r.address);
      for (let i = 0; i < heads; i++) {
        this.headProcs.push(
          new RoleProcess(`head-${i}`, ['head', '--id', `head-${i}`, '--shards', shardAddresses.join(','), '--host', host, '--port', '0', ...this.options.headArgs], log),
        );
      }
      const headReady = await Promise.all(this.headProcs.map((p) => p.ready()));
      this.info = {
        dataDir,
        shards: shardReady.map((r, id) => ({ id, address: r.address, pid: r.pid })),
        heads: headReady.map((r) => ({ id: r.id, address: r.address, pid: r.pid })),
        startedAt: new Date().toISOString(),
        pid: process.pid,
      };
      await writeClusterFile(this.info);
      this.stateValue = 'running';
      return this.info;
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Resolves when any process of the cluster exits on its own (not via stop()). */
  whenAnyExits(): Promise<string> {
    return Promise.race([...this.shardProcs, ...this.headProcs].map((p) => p.whenExited().then(() => p.name)));
  }

  /** Stops heads first, then shards (each drains on SIGTERM). Idempotent. */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = (async () => {
        this.stateValue = 'stopping';
        await Promise.all(this.headProcs.map((p) => p.stop()));
        await Promise.all(this.shardProcs.map((p) => p.stop()));
        await removeClusterFile(this.options.dataDir);
        this.stateValue = 'stopped';
      })();
    }
    return this.stopping;
  }
}
