#!/usr/bin/env node
// `npm run fuzz -- --calls 100000 [--seed 42] [--concurrency 16] [--json]`: the hostile-input run at scale.
import { parseArgs } from 'node:util';
import { runFuzz } from './fuzz-cluster.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '6000' }, seed: { type: 'string', default: '42' }, concurrency: { type: 'string', default: '16' }, json: { type: 'boolean', default: false } } });
const calls = Number(values.calls);
if (!Number.isSafeInteger(calls) || calls <= 0) throw new Error(`--calls must be a positive integer, got ${values.calls}`);
const run = await runFuzz({
  calls,
  seed: Number(values.seed),
  concurrency: Number(values.concurrency),
  onProgress: (done) => {
    if (done % 10_000 === 0) process.stderr.write(`${done} calls\n`);
  },
});
process.stdout.write(`hostile input: ${run.calls} calls in ${(run.elapsedMs / 1000).toFixed(1)} s\n`);
for (const [code, n] of Object.entries(run.byStatus).sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${code.padEnd(20)} ${n}\n`);
process.stdout.write(`unexpected INTERNAL/UNKNOWN: ${run.unexpected.length}\n`);
for (const u of run.unexpected.slice(0, 20)) process.stdout.write(`  ${u.path} ${u.code}: ${u.details}\n`);
process.stdout.write(`health afterwards: ${Object.entries(run.health).map(([a, s]) => `${a} ${s}`).join(', ')}; normal read afterwards: ${run.readAfter ? 'ok' : 'FAILED'}\n`);
if (values.json) process.stdout.write(JSON.stringify({ calls: run.calls, elapsedMs: run.elapsedMs, byStatus: run.byStatus, unexpected: run.unexpected.length, healthy: Object.values(run.health).every((s) => s === 'SERVING'), readAfter: run.readAfter }) + '\n');
const ok = run.unexpected.length === 0 && Object.values(run.health).every((s) => s === 'SERVING') && run.readAfter;
process.exit(ok ? 0 : 1);
