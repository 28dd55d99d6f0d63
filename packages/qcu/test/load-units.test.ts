import { fileURLToPath, pathToFileURL } from 'node:url';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlorinError } from '@florin/core';
import { loadUnits } from '@florin/qcu';
import { meanReversionUnit, momentumUnit, volatilityUnit } from '@florin/examples';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function rejection(path: string): Promise<FlorinError> {
  const err = await loadUnits(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FlorinError);
  return err as FlorinError;
}

describe('loadUnits', () => {
  it('collects named exports that are units, once each', async () => {
    const units = await loadUnits(fixture('units-named.ts'));
    expect(units.map((u) => u.name).sort()).toEqual(['echo', 'momentum']);
    expect(units).toContain(momentumUnit);
  });

  it('collects a default array of units, by relative path or file URL', async () => {
    expect(await loadUnits(relative(process.cwd(), fixture('units-default.ts')))).toEqual([meanReversionUnit, volatilityUnit]);
    expect(await loadUnits(pathToFileURL(fixture('units-default.ts')).href)).toEqual([meanReversionUnit, volatilityUnit]);
  });

  it('explains what is wrong with a module', async () => {
    const missing = await rejection(fixture('no-such-module.ts'));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toMatch(/unit module .*no-such-module\.ts does not exist/);

    const none = await rejection(fixture('units-none.ts'));
    expect(none.code).toBe('INVALID_ARGUMENT');
    expect(none.message).toMatch(/exports no units \(exports: answer, helper\); export units made with defineUnit\(\)/);

    const bad = await rejection(fixture('units-bad-default.ts'));
    expect(bad.message).toMatch(/default export .* item #1 is not a unit/);

    const throws = await rejection(fixture('units-throws.ts'));
    expect(throws.code).toBe('FAILED_PRECONDITION');
    expect(throws.message).toMatch(/failed to load: cannot reach the licence server/);

    const dup = await rejection(fixture('units-duplicate.ts'));
    expect(dup.message).toMatch(/exports two different units named dup@1/);
  });
});
