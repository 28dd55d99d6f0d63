import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { headGroups, parseConfig, planDeployment } from '../src/index.js';

const text = readFileSync(new URL('../../deploy/config/example.json', import.meta.url), 'utf8');

describe('planDeployment', () => {
  it('prices the example fleet from the price table', () => {
    const plan = planDeployment(parseConfig(text, 'example.json'));
    expect(plan.services).toBe(2 + 2 + 1 + 1 + 2);
    expect(plan.tasks).toBe(2 + 2 * 2 + 1 + 1 + 8 + 1); // 2 shards x tasksPerShard 2
    // heads 2 x (1 vCPU x 0.04048 + 4 GB x 0.004445), shards 2 x 2 tasks x (2 x 0.04048 + 8 x 0.004445), coordinator
    // 0.04048 + 2 x 0.004445, collector 0.5 x 0.04048 + 0.004445; 8 Spot QCUs x (2 x 0.012144 + 4 x 0.0013335);
    // one GPU task on the cheaper Spot g6.xlarge (0.3622 + fee 0.0805); RDS db.r6g.large 0.225.
    const onDemandTasks = 2 * 0.05826 + 4 * 0.11652 + 0.04937 + 0.024685;
    const spot = 8 * 0.029622 + 0.4427;
    expect(plan.hourlyCostUsd.spot).toBeCloseTo(spot, 4);
    expect(plan.hourlyCostUsd.onDemand).toBeCloseTo(onDemandTasks + 0.225, 3); // totals are rounded to 4 decimals
    expect(plan.hourlyCostUsd.total).toBeCloseTo(onDemandTasks + spot + 0.225, 3);
    expect(plan.hourlyCostUsd.ifAllOnDemand).toBeCloseTo(onDemandTasks + 8 * (2 * 0.04048 + 4 * 0.004445) + 0.8048 + 0.0805 + 0.225, 3);
    expect(plan.unpriced).toEqual([]);
  });

  it('splits 2,000 head nodes into stacks under the resource limit, every head once', () => {
    const config = parseConfig(text, 'example.json', 2000);
    const groups = headGroups(config);
    expect(groups.length).toBe(10);
    expect(groups.map((g) => g.end - g.first)).toEqual(Array(10).fill(200));
    expect(groups.at(-1)!.end).toBe(2000);
    const plan = planDeployment(config);
    expect(plan.stacks.length).toBe(13);
    for (const s of plan.stacks) expect(s.resources).toBeLessThanOrEqual(450);
    expect(plan.services).toBe(2006);
  });
});
