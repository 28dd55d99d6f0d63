// Vitest globalSetup: tests spawn processes that run the packages' built dist/, so a dist/ older than its src/
// would test yesterday's code. Each package's build (its tsconfig.tsbuildinfo, which `tsc -b` rewrites on every
// build that changes anything) must be at least as new as its sources; when one is not, this runs `tsc -b`
// (a few seconds when only a little changed) and fails the run, saying what to run, if that build fails.
// proto/ is not checked: processes load it at run time from the repository's proto/, it is not built into dist/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), 0);
}

/** The packages whose build is older than their sources (or missing), with the reason. */
export function staleBuilds(root = ROOT): string[] {
  const packages = join(root, 'packages');
  const stale: string[] = [];
  for (const name of readdirSync(packages)) {
    const dir = join(packages, name);
    if (!existsSync(join(dir, 'tsconfig.json'))) continue;
    const buildInfo = join(dir, 'tsconfig.tsbuildinfo');
    if (!existsSync(buildInfo) || !existsSync(join(dir, 'dist', 'index.js'))) {
      stale.push(`packages/${name}: not built`);
      continue;
    }
    const built = statSync(buildInfo).mtimeMs;
    const sources = Math.max(newestMtime(join(dir, 'src')), newestMtime(join(dir, 'tsconfig.json')));
    if (sources > built) stale.push(`packages/${name}: src/ changed after the last build`);
  }
  return stale;
}

/** Whether the dashboard's page (vite's bundle in packages/dashboard/dist/web) is missing or older than its sources. */
export function staleWeb(root = ROOT): boolean {
  const web = join(root, 'packages', 'dashboard', 'web');
  const built = join(root, 'packages', 'dashboard', 'dist', 'web', 'index.html');
  if (!existsSync(web)) return false;
  if (!existsSync(built)) return true;
  return Math.max(newestMtime(join(web, 'src')), statSync(join(web, 'index.html')).mtimeMs) > statSync(built).mtimeMs;
}

function buildWeb(): void {
  if (!staleWeb()) return;
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const build = spawnSync(process.execPath, [vite, 'build', '--config', join(ROOT, 'packages', 'dashboard', 'web', 'vite.config.ts')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the dashboard's page is older than its sources and its build failed; run \`npm run build:web\`:\n${build.stdout}${build.stderr}`);
  console.log('vitest: rebuilt the dashboard page (npm run build:web)');
}

export default function setup(): void {
  buildWeb();
  const stale = staleBuilds();
  if (stale.length === 0) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const started = Date.now();
  const build = spawnSync(process.execPath, [tsc, '-b'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) {
    throw new Error(
      `dist/ is older than src/ (${stale.join('; ')}) and \`tsc -b\` failed; fix the build and run \`npx tsc -b\` before the tests:\n${build.stdout}${build.stderr}`,
    );
  }
  console.log(`vitest: rebuilt dist/ with tsc -b in ${Date.now() - started} ms (${stale.join('; ')})`);
}
