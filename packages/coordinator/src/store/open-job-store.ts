import { invalidArgument } from '@florin/core';
import type { JobStore } from './job-store.js';
import { PostgresDriver } from './postgres-driver.js';
import { SqlJobStore } from './sql-job-store.js';
import { SqliteDriver, type SqliteSynchronous } from './sqlite-driver.js';

/** The PostgreSQL schema used when a URL names none. */
export const DEFAULT_PG_SCHEMA = 'florin';

/**
 * Which job store to use:
 * - 'sqlite:<path>' or a path ending in .sqlite / .db (also 'sqlite::memory:', for tests only: nothing survives the process);
 * - a postgres:// or postgresql:// URL; its optional ?schema=<name> picks the schema (default 'florin').
 * Or explicit options with a `kind`.
 */
export type JobStoreSpec =
  | string
  | { kind: 'sqlite'; path: string; synchronous?: SqliteSynchronous }
  | { kind: 'postgres'; url: string; schema?: string; poolSize?: number };

/** Opens (and creates the tables of) the store a spec names. Close it with store.close(). */
export async function openJobStore(spec: JobStoreSpec): Promise<JobStore> {
  const options = typeof spec === 'string' ? parseSpec(spec) : spec;
  if (options.kind === 'sqlite') {
    return SqlJobStore.open(new SqliteDriver(options.path, { synchronous: options.synchronous ?? 'FULL' }));
  }
  if (options.kind !== 'postgres') {
    throw invalidArgument(`unknown job store kind ${JSON.stringify((options as { kind?: unknown }).kind)}: use 'sqlite' or 'postgres'`);
  }
  const driver = new PostgresDriver({ url: options.url, schema: options.schema ?? DEFAULT_PG_SCHEMA, poolSize: options.poolSize });
  try {
    await driver.ensureSchema();
  } catch (err) {
    await driver.close();
    throw err;
  }
  return SqlJobStore.open(driver);
}

function parseSpec(spec: string): Exclude<JobStoreSpec, string> {
  if (/^postgres(ql)?:\/\//.test(spec)) {
    let url: URL;
    try {
      url = new URL(spec);
    } catch {
      throw invalidArgument('malformed PostgreSQL URL: use postgres://user@host:port/db[?schema=name]');
    }
    const schema = url.searchParams.get('schema') ?? DEFAULT_PG_SCHEMA;
    url.searchParams.delete('schema');
    return { kind: 'postgres', url: url.toString(), schema };
  }
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (path.length === 0) throw invalidArgument(`job store spec ${spec} names no file: use sqlite:<path>`);
    return { kind: 'sqlite', path };
  }
  if (/\.(sqlite|sqlite3|db)$/i.test(spec)) return { kind: 'sqlite', path: spec };
  throw invalidArgument(
    `cannot tell which job store ${JSON.stringify(spec)} names: use sqlite:<path>, a path ending in .sqlite or .db, or postgres://user@host:port/db[?schema=name]`,
  );
}
