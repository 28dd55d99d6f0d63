import { WorkClient } from '@florin/qcu';
import { universe } from './market-data.js';
import { MOMENTUM, RANKER } from './coordinator.js';
import { fuzzMethods, fuzzServices, healthOf, type FuzzReport } from './hostile-input.js';
import { startQcuCluster } from './qcu-cluster.js';

export interface FuzzRun extends FuzzReport {
  health: Record<string, string>;
  /** A normal read after the fuzzing answered as before. */
  readAfter: boolean;
}

/**
 * The hostile-input run: a real cluster in this process (2 shards over DuckDB,
 * 2 heads, a coordinator over SQLite, the example units registered, a small
 * `bars` dataset), `calls` fuzzed calls to every method of every service, then
 * every server's health and a normal read.
 */
export async function runFuzz(options: { calls: number; seed?: number; concurrency?: number; onProgress?: (done: number) => void }): Promise<FuzzRun> {
  const cluster = await startQcuCluster({ coordinator: { maxWaitMs: 1_000 } });
  const work = new WorkClient(cluster.coordinator.address, { workerId: 'fuzz-registrar' });
  try {
    const range = { start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 3, 1) };
    const frames = universe(8, range.start, range.end, 7);
    const symbols = frames.map((f) => f.symbol);
    await cluster.seed({ name: 'bars', fields: ['close'], frequency: '1d' }, frames);
    await work.registerUnits([MOMENTUM, RANKER]);
    const before = await cluster.data.read({ dataset: 'bars', symbols, range });
    const methods = fuzzMethods({ shard: cluster.shards[0], head: cluster.heads[0], job: cluster.coordinator.address, work: cluster.coordinator.address });
    const report = await fuzzServices(methods, options);
    const health = await healthOf([...cluster.shards, ...cluster.heads, cluster.coordinator.address]);
    const after = await cluster.data.read({ dataset: 'bars', symbols, range });
    return { ...report, health, readAfter: after.length === before.length };
  } finally {
    work.close();
    await cluster.close();
  }
}
