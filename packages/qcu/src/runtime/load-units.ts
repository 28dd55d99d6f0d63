import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FlorinError, invalidArgument, notFound } from '@florin/core';
import { isUnit, type Unit } from '../unit.js';

/**
 * Imports a user module and collects its units: a default export that is a
 * unit or an array of units, plus every named export that is a unit (the same
 * unit exported twice counts once). `modulePath` is a file path (relative to
 * the working directory) or a file: URL. Throws NOT_FOUND for a missing file,
 * FAILED_PRECONDITION when the module fails to load, INVALID_ARGUMENT when it
 * exports no units, a non-unit in its default array, or one name@version twice.
 */
export async function loadUnits(modulePath: string): Promise<Unit[]> {
  const url = modulePath.startsWith('file:') ? new URL(modulePath) : pathToFileURL(isAbsolute(modulePath) ? modulePath : resolve(modulePath));
  if (!existsSync(url)) throw notFound(`unit module ${modulePath} does not exist (resolved to ${url.pathname})`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url.href)) as Record<string, unknown>;
  } catch (err) {
    throw new FlorinError('FAILED_PRECONDITION', `unit module ${modulePath} failed to load: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
  const found: Unit[] = [];
  const add = (value: unknown): void => {
    if (isUnit(value) && !found.includes(value)) found.push(value);
  };
  const fallback = mod['default'];
  if (Array.isArray(fallback)) {
    fallback.forEach((item, i) => {
      if (!isUnit(item)) throw invalidArgument(`the default export of ${modulePath} is an array whose item #${i} is not a unit; make each with defineUnit()`);
      add(item);
    });
  } else {
    add(fallback);
  }
  for (const [name, value] of Object.entries(mod)) if (name !== 'default') add(value);
  if (found.length === 0) {
    throw invalidArgument(
      `unit module ${modulePath} exports no units (exports: ${Object.keys(mod).join(', ') || 'none'}); ` +
        'export units made with defineUnit() by name, or as a default array',
    );
  }
  const seen = new Set<string>();
  for (const unit of found) {
    const key = `${unit.name}@${unit.version}`;
    if (seen.has(key)) throw invalidArgument(`unit module ${modulePath} exports two different units named ${key}`);
    seen.add(key);
  }
  return found;
}
