#!/usr/bin/env node
// Generates the TypeScript types of proto/florin/v1/*.proto into packages/core/src/generated/ with
// proto-loader-gen-types, using the options of core's PROTO_LOADER_OPTIONS (camelCase, int64 as number,
// enums as names, defaults, arrays, oneofs), so each "...Output" type is what grpc-js hands a handler or a
// client callback and each "...Input" type what it accepts.
//   node scripts/gen-wire.mjs          regenerate in place
//   node scripts/gen-wire.mjs --check  regenerate into a temp dir; exit 1 on any difference with the committed files
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const committed = join(root, 'packages', 'core', 'src', 'generated');
const check = process.argv.includes('--check');
const protos = readdirSync(join(root, 'proto', 'florin', 'v1'))
  .filter((f) => f.endsWith('.proto'))
  .sort()
  .map((f) => `florin/v1/${f}`);

function generate(outDir) {
  rmSync(outDir, { recursive: true, force: true });
  const bin = join(root, 'node_modules', '@grpc', 'proto-loader', 'build', 'bin', 'proto-loader-gen-types.js');
  execFileSync(
    process.execPath,
    [
      bin,
      // Must match PROTO_LOADER_OPTIONS in packages/core/src/proto.ts.
      '--longs=Number',
      '--enums=String',
      '--defaults',
      '--arrays',
      '--oneofs',
      '--grpcLib=@grpc/grpc-js',
      '--inputTemplate=%sInput',
      '--outputTemplate=%sOutput',
      '--importFileExtension=.js',
      '--includeDirs=proto',
      `--outDir=${outDir}`,
      ...protos,
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

function files(dir) {
  const out = new Map();
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  try {
    walk(dir);
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  return out;
}

if (!check) {
  generate(committed);
  console.log(`gen:wire: wrote ${files(committed).size} files to ${relative(root, committed)}`);
} else {
  const tmp = mkdtempSync(join(tmpdir(), 'florin-wire-'));
  try {
    const fresh = join(tmp, 'generated');
    generate(fresh);
    const want = files(fresh);
    const have = files(committed);
    const problems = [];
    for (const [name, text] of want) {
      if (!have.has(name)) problems.push(`missing: ${name}`);
      else if (have.get(name) !== text) problems.push(`differs: ${name}`);
    }
    for (const name of have.keys()) if (!want.has(name)) problems.push(`not generated from any proto: ${name}`);
    if (problems.length > 0) {
      console.error(`check:wire: packages/core/src/generated/ is out of date with proto/florin/v1/:`);
      for (const p of problems) console.error(`  ${p}`);
      console.error('Run `npm run gen:wire` and commit the result.');
      process.exit(1);
    }
    console.log(`check:wire: ${want.size} generated files match proto/florin/v1/`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
