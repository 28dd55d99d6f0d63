import { invalidArgument } from '@florin/core';

/**
 * The coordinator's state store beside a cluster's PostgreSQL data store: the same database, schema
 * `<data schema>_jobs` (data schema from ?schema=, default "florin"), so dataset tables and job tables never meet.
 */
export function coordinatorStoreFor(dataStoreUrl: string): string {
  let url: URL;
  try {
    url = new URL(dataStoreUrl);
  } catch {
    throw invalidArgument('malformed PostgreSQL URL: use postgres://user@host:port/db[?schema=name]');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw invalidArgument(`--store must be a postgres:// URL (the per-shard DuckDB files are the default), got ${url.protocol}`);
  }
  url.searchParams.set('schema', `${url.searchParams.get('schema') ?? 'florin'}_jobs`);
  return url.toString();
}
