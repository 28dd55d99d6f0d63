import pg from 'pg';
import { redactUrl } from '@florin/core';

/** Where the PostgreSQL suites run (trust auth on loopback). */
export const PG_URL_EXAMPLE = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The one gate of every PostgreSQL suite: resolves FLORIN_PG_URL once the server answers, or undefined when
 * the variable is unset (the suite skips, saying so). PostgreSQL is not optional where it was asked for: with
 * FLORIN_PG_URL set and the server unreachable this rejects with the reason, and under CI=true an unset
 * FLORIN_PG_URL rejects too, so the suite fails instead of skipping. Use with top-level await:
 * `const url = await postgresUrl('PostgresStore'); describe.skipIf(!url)(...)`.
 */
export async function postgresUrl(suite: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const url = env['FLORIN_PG_URL'];
  if (!url) {
    if (env['CI'] === 'true' || env['CI'] === '1') {
      throw new Error(`${suite}: FLORIN_PG_URL is not set; under CI the PostgreSQL suites must run (e.g. FLORIN_PG_URL=${PG_URL_EXAMPLE})`);
    }
    console.warn(`${suite} skipped: set FLORIN_PG_URL (e.g. ${PG_URL_EXAMPLE}) to run it`);
    return undefined;
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(`${suite}: FLORIN_PG_URL is set but PostgreSQL at ${redactUrl(url)} cannot be reached: ${(err as Error).message}`, { cause: err });
  } finally {
    await client.end().catch(() => undefined);
  }
  return url;
}
