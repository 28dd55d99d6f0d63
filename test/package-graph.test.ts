import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The allowed dependency graph between the @florin packages, written once (docs/architecture.md, "Package
 * graph", draws the same). A package may import only the @florin packages listed here AND declared in its
 * package.json; nothing in a src/ imports @florin/test-support; no relative import leaves its package folder.
 */
const ANY = '*';
const ALLOWED: Record<string, readonly string[] | typeof ANY> = {
  core: [],
  store: ['core'],
  shard: ['core', 'store'],
  'shard-client': ['core'],
  client: ['core', 'discovery'],
  head: ['core', 'shard-client'],
  coordinator: ['core'],
  qcu: ['core', 'client'],
  examples: ['core', 'qcu'],
  discovery: ['core'],
  telemetry: ['core'],
  // The web dashboard: what it shows comes through the SDK and discovery.
  dashboard: ['core', 'client', 'discovery'],
  'deploy-plan': [],
  // The CDK app: its own install (not a workspace), no src/; it imports only the plan.
  deploy: ['deploy-plan'],
  cli: ANY,
  'test-support': ANY,
};

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = join(ROOT, 'packages');
const SCOPE = '@florin/';

function tsFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : tsFiles(path);
    return name.endsWith('.ts') || name.endsWith('.mts') || name.endsWith('.mjs') ? [path] : [];
  });
}

/** Every module specifier in a file: static imports and re-exports, side-effect imports, dynamic import() of a literal. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1]!);
  return found;
}

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const packages = readdirSync(PACKAGES).filter((name) => {
  try {
    return statSync(join(PACKAGES, name, 'package.json')).isFile();
  } catch {
    return false;
  }
});

const manifest = (pkg: string): PackageJson => JSON.parse(readFileSync(join(PACKAGES, pkg, 'package.json'), 'utf8')) as PackageJson;
const allowed = (pkg: string, dep: string): boolean => {
  const rule = ALLOWED[pkg];
  if (rule === ANY) return pkg === 'test-support' || dep !== 'test-support';
  return rule !== undefined && rule.includes(dep);
};

describe('the package graph', () => {
  it('knows every package folder, and each is named @florin/<folder>', () => {
    expect(packages.length).toBeGreaterThanOrEqual(11);
    for (const pkg of packages) {
      expect(Object.keys(ALLOWED), `packages/${pkg} is not in the allowed graph (test/package-graph.test.ts)`).toContain(pkg);
      expect(manifest(pkg).name).toBe(`${SCOPE}${pkg}`);
    }
  });

  it('declares only allowed @florin dependencies in each package.json', () => {
    const wrong: string[] = [];
    for (const pkg of packages) {
      const { dependencies = {}, devDependencies = {} } = manifest(pkg);
      for (const dep of Object.keys({ ...dependencies, ...devDependencies })) {
        if (dep.startsWith(SCOPE) && !allowed(pkg, dep.slice(SCOPE.length))) wrong.push(`${SCOPE}${pkg} declares ${dep}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('imports from src/ only allowed @florin packages that the package.json declares, never @florin/test-support', () => {
    const wrong: string[] = [];
    for (const pkg of packages) {
      const { dependencies = {} } = manifest(pkg);
      for (const file of tsFiles(join(PACKAGES, pkg, 'src'))) {
        const where = relative(ROOT, file);
        for (const spec of specifiers(readFileSync(file, 'utf8'))) {
          if (!spec.startsWith(SCOPE)) continue;
          const dep = spec.slice(SCOPE.length).split('/')[0]!;
          if (spec !== `${SCOPE}${dep}`) wrong.push(`${where} imports ${spec}: import the package's entry point, ${SCOPE}${dep}`);
          if (dep === pkg) wrong.push(`${where} imports its own package by name (${spec}): use a relative import`);
          else if (!allowed(pkg, dep)) wrong.push(`${where} imports ${spec}, which ${SCOPE}${pkg} must not depend on`);
          else if (!(`${SCOPE}${dep}` in dependencies)) wrong.push(`${where} imports ${spec}, which packages/${pkg}/package.json does not declare in dependencies`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no relative import across package folders (tests may import their own package\'s ../src/)', () => {
    const wrong: string[] = [];
    const roots = [...packages.map((pkg) => join(PACKAGES, pkg)), join(ROOT, 'test'), join(ROOT, 'bench')];
    for (const home of roots) {
      for (const file of [...tsFiles(join(home, 'src')), ...tsFiles(join(home, 'test')), ...(home.startsWith(PACKAGES + sep) ? [] : tsFiles(home))]) {
        for (const spec of specifiers(readFileSync(file, 'utf8'))) {
          if (!spec.startsWith('.')) continue;
          const target = resolve(dirname(file), spec);
          if (target !== home && !target.startsWith(home + sep)) wrong.push(`${relative(ROOT, file)} imports ${spec}, outside ${relative(ROOT, home)}/`);
        }
      }
    }
    expect([...new Set(wrong)]).toEqual([]);
  });
});
