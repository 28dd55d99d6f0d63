import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@florin/client';
import { clusterSecurity, readClusterFile } from '@florin/cli';
import { generateMarket } from '@florin/store';
import { exitCode, startCli } from '@florin/test-support';
import { spawnSync } from 'node:child_process';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MARKET = { symbols: 20, years: 3, seed: 42 };

/** The README's "write a unit, submit, read results" walk-through, run as written. */
describe('README example: examples/units/ma-gap.mjs and examples/read-results.mjs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'florin-readme-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs on `florin up --units examples/units/ma-gap.mjs` and publishes exactly the moving-average gaps', async () => {
    const up = await startCli(
      ['up', '--units', join(ROOT, 'examples/units/ma-gap.mjs'), '--qcus', '2', '--symbols', String(MARKET.symbols), '--years', String(MARKET.years), '--seed', String(MARKET.seed)],
      /Ctrl-C stops it/,
      { cwd: dir, timeoutMs: 120_000 },
    );
    try {
      const run = spawnSync(process.execPath, [join(ROOT, 'examples/read-results.mjs')], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/succeeded: \d+\/\d+ tasks/);
      expect(run.stdout).toContain(`${MARKET.symbols} symbols;`);

      // What the example published equals the same arithmetic done here on the generated market.
      const cluster = await readClusterFile(join(dir, '.florin'));
      const florin = connect({ heads: cluster.heads.map((h) => h.address), coordinator: cluster.coordinator!.address, security: clusterSecurity(cluster) });
      try {
        const market = generateMarket(MARKET);
        const start = Date.parse('2024-01-01');
        const end = Date.parse('2025-01-01');
        const got = await florin.data.read({ dataset: 'ma_gap', symbols: market.symbols, range: { start, end } });
        for (const frame of got) {
          const bars = market.frame(frame.symbol);
          const close = bars.columns[bars.fields.indexOf('close')]!;
          const want: [number, number][] = [];
          for (let i = 19; i < close.length; i++) {
            let sum = 0;
            for (let j = i - 19; j <= i; j++) sum += close[j]!;
            const t = bars.timestamps[i]!;
            if (t >= start && t < end) want.push([t, close[i]! / (sum / 20) - 1]);
          }
          expect([...frame.timestamps]).toEqual(want.map(([t]) => t));
          expect([...frame.columns[0]!]).toEqual(want.map(([, v]) => v));
        }
      } finally {
        florin.close();
      }
    } finally {
      up.child.kill('SIGINT');
      expect(await exitCode(up.child)).toBe(0);
    }
  }, 180_000);
});
