import { ConfigError } from './config-reader.js';
import type { DeployConfig } from './config.js';
import { validateConfig } from './validate-config.js';

/** Parses and validates a config file's text; `heads` (from --heads / -c heads=N) replaces heads.count. */
export function parseConfig(text: string, source: string, heads?: number): DeployConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`${source}: not valid JSON (${(err as Error).message})`]);
  }
  if (heads !== undefined) {
    if (!Number.isInteger(heads) || heads < 0 || heads > 100_000) throw new ConfigError([`heads: expected an integer 0 <= n <= 100000, got ${heads}`]);
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
      const root = json as Record<string, unknown>;
      const h = typeof root.heads === 'object' && root.heads !== null ? (root.heads as Record<string, unknown>) : {};
      const digits = typeof h.idDigits === 'number' ? h.idDigits : Math.max(4, String(Math.max(0, heads - 1)).length);
      json = { ...root, heads: { ...h, count: heads, idDigits: Math.max(digits, String(Math.max(0, heads - 1)).length) } };
    }
  }
  return validateConfig(json);
}
