import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { createServer } from 'node:net';
import { hostPort } from '@florin/core';
import { RoleProcess } from './role-process.js';
import { assertNoLiveCluster, removeClusterFile, writeClusterFile, type ClusterFile } from './cluster-file.js';
import { ensureMarket, ensureServerMarket, shardFile, type MarketOptions } from './seed-market.js';
import { coordinatorStoreFor } from './server-store.js';

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
  /** QCU worker processes (default 4); 0 starts no coordinator either. */
  qcus: number;
  /** Unit module the QCUs load (default: the example units). */
  units?: string;
  /**
   * A PostgreSQL URL (postgres://...[?schema=name]): shards serve their partitions of this one store and the
   * coordinator keeps its state in the same database (schema `<schema>_jobs`), as the ECS deployment does.
   * Default: per-shard DuckDB files and SQLite in the data directory.
   */
  store?: string;
  log: (line: string) => void;
}

export type LocalClusterState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

/** Starts N shard processes over per-shard DuckDB files and M head nodes in front of them. */
export class LocalCluster {
  private stateValue: LocalClusterState = 'created';
  private readonly shardProcs: RoleProcess[] = [];
  private readonly headProcs: RoleProcess[] = [];
  private coordinatorProc: RoleProcess | undefined;
  private readonly qcuProcs: RoleProcess[] = [];
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
      await assertNoLiveCluster(dataDir);
      const serverStore = this.options.store;
      if (serverStore) await ensureServerMarket(serverStore, this.options.market, log);
      else await ensureMarket(dataDir, shards, this.options.market, log);
      // Every process of the cluster shares this machine's cores: one DuckDB thread per shard beats
      // DuckDB's default of one per core, whose scheduler contends with the rest (measured: job 16 s -> 10 s).
      const duckdbThreads = Math.max(1, Math.floor(availableParallelism() / shards));
      for (let id = 0; id < shards; id++) {
        this.shardProcs.push(
          new RoleProcess(`shard-${id}`, ['shard', '--data', serverStore ?? shardFile(dataDir, id), '--shard-id', String(id), '--shard-count', String(shards), '--host', host, '--port', '0', ...(serverStore ? [] : ['--duckdb-threads', String(duckdbThreads)])], log),
        );
      }
      const shardReady = await Promise.all(this.shardProcs.map((p) => p.ready()));
      const shardAddresses = shardReady.map((r) => r.address);
      // Every head must know every head (id and address) when it starts: ports are picked first, then passed to all.
      const headPorts = await freePorts(host, heads);
      const peers = headPorts.map((port, i) => `head-${i}=${hostPort(host, port)}`).join(',');
      for (let i = 0; i < heads; i++) {
        this.headProcs.push(
          new RoleProcess(
            `head-${i}`,
            ['head', '--node-id', `head-${i}`, '--peers', peers, '--shards', shardAddresses.join(','), '--host', host, '--port', String(headPorts[i]), ...this.options.headArgs],
            log,
          ),
        );
      }
      const headReady = await Promise.all(this.headProcs.map((p) => p.ready()));
      const jobs = this.options.qcus > 0 ? await this.startJobs(headReady.map((r) => `${r.id}=${r.address}`)) : undefined;
      this.info = {
        dataDir,
        shards: shardReady.map((r, id) => ({ id, address: r.address, pid: r.pid })),
        heads: headReady.map((r) => ({ id: r.id, address: r.address, pid: r.pid })),
        coordinator: jobs?.coordinator,
        qcus: jobs?.qcus ?? [],
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

  /** The coordinator (durable state in the data directory), then the QCUs, which register their units with it. */
  /** `heads`: id=host:port entries, so the QCUs hash the ids the heads hash (no peer hop for their reads). */
  private async startJobs(heads: readonly string[]): Promise<Pick<ClusterFile, 'coordinator' | 'qcus'>> {
    const { dataDir, host, log } = this.options;
    this.coordinatorProc = new RoleProcess('coordinator', ['coordinator', '--store', this.options.store ? coordinatorStoreFor(this.options.store) : `sqlite:${join(dataDir, 'coordinator.sqlite')}`, '--host', host, '--port', '0'], log);
    const coordinator = await this.coordinatorProc.ready();
    const units = this.options.units ? ['--units', this.options.units] : [];
    for (let i = 0; i < this.options.qcus; i++) {
      this.qcuProcs.push(
        new RoleProcess(`qcu-${i}`, ['qcu', '--id', `qcu-${i}`, '--coordinator', coordinator.address, '--heads', heads.join(','), '--drain-ms', '8000', ...units], log),
      );
    }
    const qcus = await Promise.all(this.qcuProcs.map((p) => p.ready()));
    return { coordinator: { address: coordinator.address, pid: coordinator.pid }, qcus: qcus.map((q) => ({ id: q.id, pid: q.pid })) };
  }

  /** Resolves when any process of the cluster exits on its own (not via stop()). */
  whenAnyExits(): Promise<string> {
    return Promise.race(this.processes().map((p) => p.whenExited().then(() => p.name)));
  }

  private processes(): RoleProcess[] {
    return [...this.shardProcs, ...this.headProcs, ...(this.coordinatorProc ? [this.coordinatorProc] : []), ...this.qcuProcs];
  }

  /** Stops QCUs first (they hand back work), then the coordinator, heads and shards (each drains on SIGTERM). Idempotent. */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = (async () => {
        this.stateValue = 'stopping';
        await Promise.all(this.qcuProcs.map((p) => p.stop()));
        await this.coordinatorProc?.stop();
        await Promise.all(this.headProcs.map((p) => p.stop()));
        await Promise.all(this.shardProcs.map((p) => p.stop()));
        // Only the cluster file this cluster wrote: a start refused for a live cluster must not remove that one's.
        if (this.info) await removeClusterFile(this.options.dataDir);
        this.stateValue = 'stopped';
      })();
    }
    return this.stopping;
  }
}

/**
 * `count` distinct free ports on `host`: all are bound at once (port 0), read,
 * then released for the heads to bind. Another process could take one in
 * between; that head then fails to start and `florin up` says so.
 */
async function freePorts(host: string, count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.once('error', reject);
            server.listen({ host, port: 0, exclusive: true }, () => {
              const address = server.address();
              if (address && typeof address === 'object') resolve(address.port);
              else reject(new Error(`could not read the port bound on ${host}`));
            });
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))));
  }
}
