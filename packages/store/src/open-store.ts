import { invalidArgument } from '@florin/core';
import { DuckDbStore } from './duckdb-store.js';
import type { DuckDbStoreOptions } from './duckdb-options.js';
import { PostgresStore } from './postgres-store.js';
import { POSTGRES_STORE_DEFAULTS, type PostgresStoreOptions } from './postgres-options.js';
import type { Store } from './store.js';

/**
 * Which store to use: a string, or explicit options with a `kind`.
 *
 * Strings: 'duckdb:<path>' (also 'duckdb::memory:'), a path ending in
 * .duckdb, ':memory:', or a postgres:// / postgresql:// URL, whose optional
 * ?schema=<name> query parameter picks the schema (default 'florin').
 */
export type StoreSpec = string | ({ readonly kind: 'duckdb' } & DuckDbStoreOptions) | ({ readonly kind: 'postgres' } & PostgresStoreOptions);

/**
 * Makes the store a spec names. It is not opened yet: call open() (idempotent;
 * a ShardServer does it on start) before using it.
 */
export function openStore(spec: StoreSpec): Store {
  if (typeof spec !== 'string') {
    if (spec.kind === 'duckdb') return new DuckDbStore(spec);
    if (spec.kind === 'postgres') return new PostgresStore(spec);
    throw invalidArgument(`unknown store kind ${JSON.stringify((spec as { kind?: unknown }).kind)}: use 'duckdb' or 'postgres'`);
  }
  if (/^postgres(ql)?:\/\//.test(spec)) return new PostgresStore(postgresOptions(spec));
  if (spec.startsWith('duckdb:')) {
    const path = spec.slice('duckdb:'.length);
    if (path.length === 0) throw invalidArgument(`store spec ${spec} names no file: use duckdb:<path> or duckdb::memory:`);
    return new DuckDbStore({ path });
  }
  if (spec === ':memory:' || spec.toLowerCase().endsWith('.duckdb')) return new DuckDbStore({ path: spec });
  throw invalidArgument(
    `cannot tell which store ${JSON.stringify(spec)} names: use duckdb:<path>, a path ending in .duckdb, or postgres://user@host:port/db[?schema=name]`,
  );
}

function postgresOptions(spec: string): PostgresStoreOptions {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw invalidArgument('malformed PostgreSQL URL: use postgres://user@host:port/db[?schema=name]');
  }
  const schema = url.searchParams.get('schema') ?? POSTGRES_STORE_DEFAULTS.schema;
  url.searchParams.delete('schema');
  return { url: url.toString(), schema };
}
