import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const main = 'packages/cli/dist/main.js';
const example = 'packages/deploy/config/example.json';

interface PlanJson {
  stacks: { name: string; resources: number }[];
  services: number;
  tasks: number;
  hourlyCostUsd: { total: number; onDemand: number; spot: number; ifAllOnDemand: number; database: number };
}

// Runs the built CLI (npx tsc -b first), as a platform engineer would.
describe('florin deploy plan', () => {
  it('prints the fleet for the example config at 2,000 heads as one JSON object on the last line', async () => {
    const { stdout } = await run(process.execPath, [main, 'deploy', 'plan', '--config', example, '--heads', '2000', '--json'], { cwd: root });
    const lines = stdout.trimEnd().split('\n');
    const plan = JSON.parse(lines[lines.length - 1]!) as PlanJson;
    expect(plan.stacks.map((s) => s.name)).toEqual([
      'florin-base',
      'florin-data',
      'florin-qcu',
      ...Array.from({ length: 10 }, (_, i) => `florin-heads-${String(i).padStart(3, '0')}`),
    ]);
    // 2 resources per head (task definition + service) + 5 per heads stack, 200 heads per stack.
    expect(plan.stacks.slice(3).map((s) => s.resources)).toEqual(Array(10).fill(405));
    expect(plan.stacks.slice(0, 3).map((s) => s.resources)).toEqual([48, 20, 18]);
    // 2000 heads, 2 shards of 2 tasks each, coordinator, collector, 2 QCU pools (8 Spot tasks + 1 GPU task planned).
    expect(plan.services).toBe(2006);
    expect(plan.tasks).toBe(2015);
    // heads: 2000 x (0.04048 + 4 x 0.004445) = 116.52 On-Demand.
    expect(plan.hourlyCostUsd.total).toBeCloseTo(116.52 + 4 * 0.11652 + 0.04937 + 0.024685 + 8 * 0.029622 + 0.4427 + 0.225, 3); // rounded to 4 decimals
    expect(plan.hourlyCostUsd.spot).toBeCloseTo(8 * 0.029622 + 0.4427, 4);
  });

  it('prints tables without --json, and names the field of an invalid config', async () => {
    const { stdout } = await run(process.execPath, [main, 'deploy', 'plan', '--config', example], { cwd: root });
    expect(stdout).toContain('florin-heads-000');
    expect(stdout).toMatch(/hourly cost: \$\d+\.\d\d as configured/);
    const bad = run(process.execPath, [main, 'deploy', 'plan', '--config', 'packages/deploy/package.json'], { cwd: root });
    await expect(bad).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('name: "@florin/deploy" is not allowed') });
  });
});
