import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { runCli } from './cli.js';
import { freePort, type ProcessGroup, type RoleProcess } from './process-group.js';
import type { MarketSpec } from './momentum-check.js';

/** The fixture unit module (always-throws, slow, momentum-paced) QCUs load with --units. */
export const TEST_UNITS = fileURLToPath(new URL('../fixtures/test-units.mjs', import.meta.url));

export interface JobClusterOptions {
  market: MarketSpec;
  shards?: number;
  heads?: number;
  qcus: number;
  /** Extra `florin qcu` flags, e.g. ['--units', TEST_UNITS, '--lease-ms', '2000']. */
  qcuArgs: readonly string[];
}

/**
 * A cluster of real processes started one by one with the CLI, so a test can
 * kill and restart any of them: shards over the per-shard DuckDB files of a
 * data directory (generated with `florin data generate`), head nodes, a
 * coordinator on a fixed port over SQLite in the data directory (a restart
 * keeps its address and state), and QCUs.
 */
export class JobCluster {
  readonly qcus: RoleProcess[] = [];
  private qcuCount = 0;

  private constructor(
    private readonly group: ProcessGroup,
    readonly dataDir: string,
    readonly shardCount: number,
    private readonly options: JobClusterOptions,
    readonly shards: RoleProcess[],
    readonly heads: RoleProcess[],
    public coordinator: RoleProcess,
    readonly coordinatorAddress: string,
  ) {}

  static async start(group: ProcessGroup, dataDir: string, options: JobClusterOptions): Promise<JobCluster> {
    const shardCount = options.shards ?? 2;
    const { market } = options;
    const generated = await runCli(['data', 'generate', '--data-dir', dataDir, '--shards', String(shardCount), '--symbols', String(market.symbols), '--years', String(market.years), '--seed', String(market.seed)]);
    expect(generated.code, generated.stderr).toBe(0);
    const shards = await Promise.all(
      Array.from({ length: shardCount }, (_, id) =>
        group.start(`shard-${id}`, ['shard', '--data', join(dataDir, `shard-${id}.duckdb`), '--shard-id', String(id), '--shard-count', String(shardCount), '--port', '0']),
      ),
    );
    const shardList = shards.map((s) => s.address).join(',');
    const heads = await Promise.all(
      Array.from({ length: options.heads ?? 2 }, (_, i) => group.start(`head-${i}`, ['head', '--id', `head-${i}`, '--shards', shardList, '--port', '0'])),
    );
    const port = await freePort();
    const coordinator = await group.start('coordinator', JobCluster.coordinatorArgs(dataDir, port));
    const cluster = new JobCluster(group, dataDir, shardCount, options, shards, heads, coordinator, coordinator.address);
    await Promise.all(Array.from({ length: options.qcus }, () => cluster.addQcu()));
    return cluster;
  }

  private static coordinatorArgs(dataDir: string, port: number): string[] {
    return ['coordinator', '--store', `sqlite:${join(dataDir, 'coordinator.sqlite')}`, '--port', String(port)];
  }

  get headAddresses(): string[] {
    return this.heads.map((h) => h.address);
  }

  /** The QCUs still running, in the order they were asked for (qcu-0, qcu-1, ...), so a seeded choice among them is repeatable. */
  liveQcus(): RoleProcess[] {
    return this.qcus.filter((q) => q.alive()).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  }

  /** Starts one more QCU (ids qcu-0, qcu-1, ... never reused). */
  async addQcu(): Promise<RoleProcess> {
    const id = `qcu-${this.qcuCount++}`;
    const qcu = await this.group.start(id, [
      'qcu',
      '--id',
      id,
      '--coordinator',
      this.coordinatorAddress,
      '--heads',
      this.headAddresses.join(','),
      '--compute-threads',
      '1',
      ...this.options.qcuArgs,
    ]);
    this.qcus.push(qcu);
    return qcu;
  }

  /** SIGKILLs the coordinator and starts a new one on the same port over the same SQLite file. */
  async restartCoordinator(downMs = 0): Promise<RoleProcess> {
    await this.group.kill(this.coordinator);
    if (downMs > 0) await sleep(downMs);
    const port = Number(this.coordinatorAddress.split(':').pop());
    this.coordinator = await this.group.start('coordinator (restarted)', JobCluster.coordinatorArgs(this.dataDir, port));
    expect(this.coordinator.address).toBe(this.coordinatorAddress);
    return this.coordinator;
  }

  /** Stops every process with SIGTERM, QCUs first and shards last, so the DuckDB files are closed cleanly. */
  async stop(): Promise<void> {
    await Promise.all(this.liveQcus().map((q) => this.group.stop(q)));
    await this.group.stop(this.coordinator);
    await Promise.all(this.heads.map((h) => this.group.stop(h)));
    const codes = await Promise.all(this.shards.map((s) => this.group.stop(s)));
    expect(codes, 'shards drained and exited 0').toEqual(this.shards.map(() => 0));
  }
}
