import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { rm } from 'node:fs/promises';
import { CloudMapDiscovery } from '@florin/discovery';
import { LocalTelemetry } from '@florin/telemetry';
import { RoleService } from './role-service.js';
import type { ReadyLine } from '../process-lifecycle.js';
import { DEFAULT_NAMESPACE, discoveryArgs, localRegistryDirectory, type DiscoveryFlags } from '../discovery-options.js';
import { assertNoLiveCluster, removeClusterFile, writeClusterFile, type ClusterFile } from './cluster-file.js';
import { ensureMarket, ensureServerMarket, shardFile, type MarketOptions } from './seed-market.js';
import { coordinatorStoreFor } from './server-store.js';
import type { ClientSecurity } from '@florin/core';
import { fileToken } from '../security-options.js';
import { LOCAL_SERVER_NAME, ensureLocalSecurity, localRoleArgs, type LocalSecurityFiles } from './local-security.js';

export interface LocalClusterOptions {
  /** Data directory: per-shard DuckDB files and cluster.json. */
  dataDir: string;
  /** Shard partitions (default 2). */
  shards: number;
  /**
   * Shard tasks per partition (default 1). More than one needs a PostgreSQL
   * `store`: the tasks share it, reads go to any of them, and a writer lease in
   * the store makes one of them the partition's writer. Task t of partition i is
   * the process `shard-<i>.<t>`, registered as `shard-<i>@<address>`.
   */
  shardTasks?: number;
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
  /**
   * How the processes find each other: `local` (default: a registry directory
   * in the data directory) or `cloudmap` (the Cloud Map API at `endpoint`, a
   * local server that speaks it; the namespace and the services are created
   * when missing). No process is handed another's address.
   */
  discovery?: LocalDiscovery;
  /** Restart backoff of a process that dies (RoleService); default 250 ms doubling to 10 s. */
  restart?: { minBackoffMs?: number; maxBackoffMs?: number };
  /**
   * Telemetry of every process: 'local' runs an OTLP receiver in this process (and the stats
   * endpoint `florin stats` reads), or { endpoint } names a collector (host:port). Default: off.
   */
  telemetry?: 'local' | { endpoint: string };
  /**
   * TLS with a local CA and tokens under the data directory (`florin up`'s
   * default), or plaintext (what LocalCluster does unless asked). The cluster
   * file names the CA and the admin token file (paths, never their contents).
   */
  secure?: boolean;
  /** Node flags of every role process, e.g. `['--cpu-prof', '--cpu-prof-dir', dir]` to profile each (written when it exits). Default none. */
  nodeArgs?: readonly string[];
  log: (line: string) => void;
}

export type LocalDiscovery = { kind: 'local' } | { kind: 'cloudmap'; endpoint: string; namespace?: string; region?: string };

/** The discovery services a local cluster uses (the CDK app creates the same on ECS). */
export const LOCAL_SERVICES = ['shards', 'heads', 'coordinator'] as const;

export type LocalClusterState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * A Florin cluster on this machine, run like ECS runs one: every process is a
 * RoleService (restarted with backoff, at a new port, when it dies), every
 * process registers itself in discovery and finds its peers there (the local
 * registry, or a Cloud Map endpoint), so a replaced shard, head node or
 * coordinator is found again without restarting anyone.
 */
export class LocalCluster {
  private stateValue: LocalClusterState = 'created';
  private readonly shardServices: RoleService[] = [];
  /** Partition and task of each shard service, in shardServices order. */
  private readonly shardSlots: { id: number; task?: number }[] = [];
  private readonly headServices: RoleService[] = [];
  private coordinatorService: RoleService | undefined;
  private readonly qcuServices: RoleService[] = [];
  private info: ClusterFile | undefined;
  private securityFiles: LocalSecurityFiles | undefined;
  private stopping: Promise<void> | undefined;
  private localTelemetry: LocalTelemetry | undefined;
  private telemetryInfo: ClusterFile['telemetry'];
  readonly options: LocalClusterOptions;
  /** The discovery flags every process gets. */
  readonly discoveryFlags: Pick<DiscoveryFlags, 'discovery' | 'registryDir' | 'cloudmapNamespace' | 'cloudmapEndpoint' | 'cloudmapRegion'>;

  constructor(options: LocalClusterOptions) {
    this.options = { ...options, dataDir: resolve(options.dataDir) };
    const tasks = options.shardTasks ?? 1;
    if (!Number.isSafeInteger(tasks) || tasks < 1) throw new TypeError(`shardTasks must be a positive integer, got ${String(options.shardTasks)}`);
    if (tasks > 1 && !options.store) {
      throw new Error(`--shard-tasks ${tasks} needs --store postgres://...: a DuckDB file has exactly one writer, so each partition has exactly one shard task`);
    }
    const d = options.discovery ?? { kind: 'local' };
    this.discoveryFlags =
      d.kind === 'local'
        ? { discovery: 'local', registryDir: localRegistryDirectory(this.options.dataDir), cloudmapNamespace: DEFAULT_NAMESPACE }
        : { discovery: 'cloudmap', cloudmapEndpoint: d.endpoint, cloudmapNamespace: d.namespace ?? DEFAULT_NAMESPACE, ...(d.region ? { cloudmapRegion: d.region } : {}) };
  }

  /** Paths of the local CA, keys and tokens; undefined for a plaintext cluster. */
  get security(): LocalSecurityFiles | undefined {
    return this.securityFiles;
  }

  /** What a client of this cluster needs (the CA and the admin token); undefined for a plaintext cluster. */
  get clientSecurity(): ClientSecurity | undefined {
    const files = this.securityFiles;
    return files ? { tls: { ca: { file: files.ca }, serverName: LOCAL_SERVER_NAME }, token: fileToken(files.tokens.admin) } : undefined;
  }

  get state(): LocalClusterState {
    return this.stateValue;
  }

  /** Addresses of the running processes (after start; kept current as processes are replaced). */
  get cluster(): ClusterFile {
    if (!this.info) throw new Error(`cluster is ${this.stateValue}, not running`);
    return this.info;
  }

  /** The services of the cluster by name (shard-0, head-1, coordinator, qcu-2), e.g. to find a process's pid. */
  service(name: string): RoleService {
    const found = this.services().find((s) => s.name === name);
    if (!found) throw new RangeError(`no process ${name} in this cluster (${this.services().map((s) => s.name).join(', ')})`);
    return found;
  }

  async start(): Promise<ClusterFile> {
    if (this.stateValue !== 'created') throw new Error(`cannot start: cluster is ${this.stateValue}`);
    this.stateValue = 'starting';
    const { dataDir, shards, heads, host, log } = this.options;
    try {
      await mkdir(dataDir, { recursive: true });
      await assertNoLiveCluster(dataDir);
      await this.prepareDiscovery();
      const serverStore = this.options.store;
      if (serverStore) await ensureServerMarket(serverStore, this.options.market, log);
      else await ensureMarket(dataDir, shards, this.options.market, log);
      await this.prepareTelemetry();
      const found = discoveryArgs(this.discoveryFlags);
      const files = this.options.secure ? await ensureLocalSecurity(dataDir, log, this.options.qcus) : undefined;
      this.securityFiles = files;
      // Every process of the cluster shares this machine's cores: one DuckDB thread per shard beats
      // DuckDB's default of one per core, whose scheduler contends with the rest (measured: job 16 s -> 10 s).
      const duckdbThreads = Math.max(1, Math.floor(availableParallelism() / shards));
      const tasks = this.options.shardTasks ?? 1;
      for (let id = 0; id < shards; id++) {
        const data = serverStore ?? shardFile(dataDir, id);
        const threads = serverStore ? [] : ['--duckdb-threads', String(duckdbThreads)];
        for (let task = 0; task < tasks; task++) {
          // Several tasks of a partition: each its own id in discovery (and name in the writer lease).
          const ids = tasks > 1 ? ['--node-id', `shard-${id}@{address}`] : [];
          const name = tasks > 1 ? `shard-${id}.${task}` : `shard-${id}`;
          this.shardSlots.push(tasks > 1 ? { id, task } : { id });
          this.shardServices.push(this.role(name, ['shard', '--data', data, '--shard-id', String(id), '--shard-count', String(shards), '--host', host, '--port', '0', ...ids, ...threads, ...found, ...localRoleArgs(files, 'shard')]));
        }
      }
      // Heads find the shards and each other through discovery; each keeps its id (and so its keys) across restarts.
      for (let i = 0; i < heads; i++) {
        this.headServices.push(this.role(`head-${i}`, ['head', '--node-id', `head-${i}`, '--host', host, '--port', '0', ...found, ...localRoleArgs(files, 'head'), ...this.options.headArgs]));
      }
      if (this.options.qcus > 0) {
        const store = this.options.store ? coordinatorStoreFor(this.options.store) : `sqlite:${join(dataDir, 'coordinator.sqlite')}`;
        this.coordinatorService = this.role('coordinator', ['coordinator', '--store', store, '--host', host, '--port', '0', ...found, ...localRoleArgs(files, 'coordinator')]);
        const units = this.options.units ? ['--units', this.options.units] : [];
        for (let i = 0; i < this.options.qcus; i++) {
          this.qcuServices.push(this.role(`qcu-${i}`, ['qcu', '--id', `qcu-${i}`, '--drain-ms', '8000', ...units, ...found, ...localRoleArgs(files, 'qcu', i)]));
        }
      }
      const shardReady = await Promise.all(this.shardServices.map((s) => s.start()));
      const headReady = await Promise.all(this.headServices.map((s) => s.start()));
      const coordinator = await this.coordinatorService?.start();
      const qcus = await Promise.all(this.qcuServices.map((s) => s.start()));
      this.info = {
        dataDir,
        shards: shardReady.map((r, i) => ({ ...this.shardSlots[i]!, address: r.address, pid: r.pid })),
        heads: headReady.map((r) => ({ id: r.id, address: r.address, pid: r.pid })),
        coordinator: coordinator ? { address: coordinator.address, pid: coordinator.pid } : undefined,
        qcus: qcus.map((q) => ({ id: q.id, pid: q.pid })),
        discovery: this.discoveryFlags,
        ...(this.telemetryInfo ? { telemetry: this.telemetryInfo } : {}),
        ...(files ? { security: { ca: files.ca, serverName: LOCAL_SERVER_NAME, tokenFile: files.tokens.admin, researcherTokenFile: files.tokens.researcher } } : {}),
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

  /** Stops QCUs first (they hand back work), then the coordinator, heads and shards (each drains on SIGINT, without the drain notice a SIGTERM gives). Idempotent. */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = (async () => {
        this.stateValue = 'stopping';
        await Promise.all(this.qcuServices.map((s) => s.stop()));
        await this.coordinatorService?.stop();
        await Promise.all(this.headServices.map((s) => s.stop()));
        await Promise.all(this.shardServices.map((s) => s.stop()));
        await this.localTelemetry?.close();
        // Only the cluster file this cluster wrote: a start refused for a live cluster must not remove that one's.
        if (this.info) await removeClusterFile(this.options.dataDir);
        this.stateValue = 'stopped';
      })();
    }
    return this.stopping;
  }

  private services(): RoleService[] {
    return [...this.shardServices, ...this.headServices, ...(this.coordinatorService ? [this.coordinatorService] : []), ...this.qcuServices];
  }

  /** A role kept running; a replacement's address goes into the cluster file. */
  /** Starts the in-cluster receiver ('local'), or takes the collector's address; the role processes get --telemetry-endpoint. */
  private async prepareTelemetry(): Promise<void> {
    const telemetry = this.options.telemetry;
    if (!telemetry) return;
    if (telemetry === 'local') {
      this.localTelemetry = new LocalTelemetry();
      this.telemetryInfo = await this.localTelemetry.start(this.options.host);
      // A live local view: the processes push metrics every 2 s unless OTEL_METRIC_EXPORT_INTERVAL says otherwise (they inherit this environment).
      process.env['OTEL_METRIC_EXPORT_INTERVAL'] ??= '2000';
      this.options.log(`telemetry: OTLP receiver on ${this.telemetryInfo.endpoint}; \`florin stats\` shows what it receives`);
    } else {
      this.telemetryInfo = { endpoint: telemetry.endpoint };
    }
  }

  private role(name: string, args: readonly string[]): RoleService {
    const endpoint = this.telemetryInfo?.endpoint;
    const withTelemetry = endpoint ? [...args, '--telemetry', '--telemetry-endpoint', endpoint] : args;
    const service = new RoleService(name, () => withTelemetry, { log: this.options.log, ...this.options.restart, ...(this.options.nodeArgs ? { nodeArgs: this.options.nodeArgs } : {}) });
    service.onReplaced((ready) => void this.recordReplacement(name, ready));
    return service;
  }

  private async recordReplacement(name: string, ready: ReadyLine): Promise<void> {
    const info = this.info;
    if (!info || this.stateValue !== 'running') return;
    const entry = { address: ready.address, pid: ready.pid };
    if (name.startsWith('shard-')) Object.assign(info.shards[this.shardServices.findIndex((s) => s.name === name)] ?? {}, entry);
    else if (name.startsWith('head-')) Object.assign(info.heads.find((h) => h.id === name) ?? {}, entry);
    else if (name === 'coordinator') info.coordinator = entry;
    else Object.assign(info.qcus.find((q) => q.id === name) ?? {}, { pid: ready.pid });
    await writeClusterFile(info).catch((err: unknown) => this.options.log(`could not update the cluster file: ${String(err)}`));
  }

  /** Local: a fresh registry directory. Cloud Map: the namespace and services exist (created when missing). */
  private async prepareDiscovery(): Promise<void> {
    const d = this.discoveryFlags;
    if (d.discovery === 'local') {
      await rm(d.registryDir!, { recursive: true, force: true });
      return;
    }
    const cloudMap = new CloudMapDiscovery({
      namespace: d.cloudmapNamespace,
      endpoint: d.cloudmapEndpoint,
      ...(d.cloudmapRegion ? { region: d.cloudmapRegion } : {}),
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      checkNamespace: false,
    });
    try {
      await cloudMap.ensureServices(LOCAL_SERVICES, { createNamespace: true });
      this.options.log(`Cloud Map at ${d.cloudmapEndpoint}: namespace ${d.cloudmapNamespace}, services ${LOCAL_SERVICES.join(', ')}`);
    } finally {
      await cloudMap.close();
    }
  }
}
