#!/usr/bin/env node
// `npm run fuzz -- --calls 100000 [--seed 42] [--concurrency 16] [--secure] [--json]`: the hostile-input run at scale
// (--secure: TLS and tokens, each call from a random identity; refusals by identity must be UNAUTHENTICATED / PERMISSION_DENIED).
import { parseArgs } from 'node:util';
import { runFuzz } from './fuzz-cluster.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '6000' }, seed: { type: 'string', default: '42' }, concurrency: { type: 'string', default: '16' }, json: { type: 'boolean', default: false }, secure: { type: 'boolean', default: false } } });
const calls = Number(values.calls);
if (!Number.isSafeInteger(calls) || calls <= 0) throw new Error(`--calls must be a positive integer, got ${values.calls}`);
const run = await runFuzz({
  calls,
  seed: Number(values.seed),
  concurrency: Number(values.concurrency),
  secure: values.secure,
  onProgress: (done) => {
    if (done % 10_000 === 0) process.stderr.write(`${done} calls\n`);
  },
});
process.stdout.write(`hostile input${values.secure ? ' (TLS + tokens, random identities)' : ''}: ${run.calls} calls in ${(run.elapsedMs / 1000).toFixed(1)} s\n`);
for (const [code, n] of Object.entries(run.byStatus).sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${code.padEnd(20)} ${n}\n`);
for (const [who, counts] of Object.entries(run.byIdentity ?? {})) {
  process.stdout.write(`  from ${who.padEnd(18)} ${Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ')}\n`);
}
const unexpected = run.unexpectedCount ?? run.unexpected.length;
process.stdout.write(`unexpected (INTERNAL/UNKNOWN${values.secure ? ', or a refusal by identity not UNAUTHENTICATED/PERMISSION_DENIED' : ''}): ${unexpected}\n`);
for (const u of run.unexpected.slice(0, 20)) process.stdout.write(`  ${u.path} ${u.code}: ${u.details}\n`);
process.stdout.write(`health afterwards: ${Object.entries(run.health).map(([a, s]) => `${a} ${s}`).join(', ')}; normal read afterwards: ${run.readAfter ? 'ok' : 'FAILED'}\n`);
if (values.json) process.stdout.write(JSON.stringify({ calls: run.calls, secure: values.secure, elapsedMs: run.elapsedMs, byStatus: run.byStatus, ...(run.byIdentity ? { byIdentity: run.byIdentity } : {}), unexpected, healthy: Object.values(run.health).every((s) => s === 'SERVING'), readAfter: run.readAfter }) + '\n');
const ok = unexpected === 0 && Object.values(run.health).every((s) => s === 'SERVING') && run.readAfter;
process.exit(ok ? 0 : 1);
