import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runCoordinator, type CoordinatorOptions, type JobStoreSpec, type RunningCoordinator } from '@florin/coordinator';
// The lead exports these from @florin/client; until then the tests reach the sources directly.
import { JobsClient } from '@florin/client';
import { WorkClient, type LeasedTask as Task, type UnitDeclaration } from '@florin/qcu';

export const MOMENTUM: UnitDeclaration = {
  name: 'momentum',
  version: '1.0.0',
  paramsSchema: {
    type: 'object',
    properties: {
      window: { type: 'integer', minimum: 1, maximum: 500, default: 20 },
      mode: { type: 'string', enum: ['long', 'short'] },
      threshold: { type: 'number' },
    },
    required: ['threshold'],
    additionalProperties: false,
  },
  description: 'per-symbol momentum',
  output: { dataset: 'momentum_signal', fields: ['momentum', 'ret'], frequency: '1d' },
};

export const RANKER: UnitDeclaration = {
  name: 'ranker',
  version: '2.0.0',
  paramsSchema: { type: 'object', properties: {}, required: [], additionalProperties: false },
  hasFinal: true,
  description: 'ranks symbols',
  output: { dataset: 'ranks', fields: ['rank'], frequency: '1d' },
};

export const UNITS = [MOMENTUM, RANKER].map((u) => ({ name: u.name, version: u.version }));

export interface CoordinatorFixture {
  running: RunningCoordinator;
  /** The store spec, to open a second coordinator on the same PostgreSQL schema. */
  store: JobStoreSpec;
  address: string;
  jobs: JobsClient;
  work: WorkClient;
  dir: string;
  /** Another worker on the same coordinator. */
  worker(id: string): WorkClient;
  close(): Promise<void>;
}

/**
 * A real coordinator on port 0 over a real SQLite file in a temp dir (or, with
 * `pgUrl`, a fresh PostgreSQL schema dropped on close), with a JobsClient and a
 * WorkClient (a QCU stand-in) that registered MOMENTUM and RANKER.
 */
export async function startCoordinator(options: CoordinatorOptions = {}, pgUrl?: string): Promise<CoordinatorFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'florin-coord-grpc-'));
  const schema = `coord_grpc_${randomBytes(6).toString('hex')}`;
  const store = pgUrl ? { kind: 'postgres' as const, url: pgUrl, schema } : `sqlite:${join(dir, 'jobs.sqlite')}`;
  const running = await runCoordinator({ store, ...options });
  const jobs = new JobsClient(running.address);
  const clients: WorkClient[] = [];
  const worker = (id: string): WorkClient => {
    const client = new WorkClient(running.address, { workerId: id });
    clients.push(client);
    return client;
  };
  const work = worker('qcu-1');
  await work.registerUnits([MOMENTUM, RANKER]);
  return {
    running,
    store,
    address: running.address,
    jobs,
    work,
    dir,
    worker,
    async close() {
      jobs.close();
      for (const c of clients) c.close();
      await running.close(100);
      rmSync(dir, { recursive: true, force: true });
      if (pgUrl) await dropSchema(pgUrl, schema);
    },
  };
}

export const DAY = 86_400_000;
export const RANGE = { startMs: 1_600_000_000_000, endMs: 1_600_000_000_000 + 30 * DAY };

export const symbols = (n: number): string[] => Array.from({ length: n }, (_, i) => `S${String(i).padStart(3, '0')}`);

export const okOutcome = (t: Task, result: unknown = { symbols: t.symbols.length }) => ({ taskId: t.taskId, attempt: t.attempt, ok: true as const, result });

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
