// `florin head --heap-growth-percent`: V8's old generation is kept near its live size (the head's RSS follows
// its cache limit under a burst of reads, bench:soak), and a bad value is refused with the flag's range.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '@florin/test-support';

const HEAP_GROWTH = fileURLToPath(new URL('../dist/heap-growth.js', import.meta.url));

// Holds ~40 batches of live objects while churning garbage, as a head holds its call state; prints the largest
// V8 heap (heapTotal, MiB) it saw.
const CHURN = `
const { applyHeapGrowth } = await import(process.env.HEAP_GROWTH_MODULE);
applyHeapGrowth(Number(process.env.PERCENT));
const live = [];
let max = 0;
for (let i = 0; i < 300; i++) {
  live.push(Array.from({ length: 25000 }, (_, x) => ({ x })));
  if (live.length > 40) live.shift();
  for (let j = 0; j < 20; j++) Array.from({ length: 10000 }, (_, x) => ({ x }));
  max = Math.max(max, process.memoryUsage().heapTotal);
}
process.stdout.write(String(Math.round(max / 2 ** 20)));
`;

function maxHeapMb(percent: number, nodeArgs: string[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--input-type=module', '-e', CHURN], {
      env: { ...process.env, HEAP_GROWTH_MODULE: HEAP_GROWTH, PERCENT: String(percent) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`churn exited ${code}: ${err}`))));
  });
}

describe('florin head --heap-growth-percent', () => {
  it("bounds the heap's growth past its live set; 0 leaves V8's own; a node flag wins", { timeout: 120_000 }, async () => {
    const own = await maxHeapMb(0);
    const bounded = await maxHeapMb(30);
    // The live set is ~40 x 25,000 small objects (~60 MiB of heap); V8's own factor lets the heap grow to
    // about 2-4x that before a full GC, 30% keeps it near 1.3x.
    expect(bounded).toBeLessThan(own * 0.75);
    // --heap-growing-percent given to node itself is left alone (here V8's own, i.e. as large as without the option).
    const nodeFlag = await maxHeapMb(30, ['--heap-growing-percent=300']);
    expect(nodeFlag).toBeGreaterThan(bounded * 1.3);
  });

  it('refuses a value outside 0-1000, from the flag or FLORIN_HEAP_GROWTH_PERCENT, naming the range', { timeout: 60_000 }, async () => {
    const negative = await runCli(['head', '--shards', '127.0.0.1:1', '--heap-growth-percent', '-5']);
    expect(negative.code).not.toBe(0);
    expect(negative.stderr).toContain('--heap-growth-percent must be an integer from 0 (V8\'s own) to 1000, got "-5"');
    const fromEnv = await runCli(['head', '--shards', '127.0.0.1:1'], { env: { FLORIN_HEAP_GROWTH_PERCENT: 'lots' } });
    expect(fromEnv.code).not.toBe(0);
    expect(fromEnv.stderr).toContain('got "lots"');
  });
});
