import { describe, expect, it } from 'vitest';
import { headsPerStack, planDeployment, RESOURCES, stackNames } from '@florin/deploy-plan';
import { exampleConfig, resourceCount, synthAll } from './synth.js';

describe('2,000 head nodes', () => {
  it('split into stacks that each stay under 500 resources, with every head once, as the plan says', () => {
    const config = exampleConfig(2000);
    const plan = planDeployment(config);
    const synth = synthAll(config);
    const headStacks = [...synth.templates.keys()].filter((n) => n.startsWith(`${config.name}-heads-`));
    expect(headStacks.length).toBe(Math.ceil(2000 / headsPerStack(config)));
    const names: string[] = [];
    for (const [name, t] of synth.templates) {
      const count = resourceCount(t);
      expect(count, name).toBeLessThan(500);
      expect(count, name).toBeLessThanOrEqual(config.maxResourcesPerStack);
      expect(plan.stacks.find((s) => s.name === name)?.resources).toBe(count);
      // CloudFormation takes templates up to 1 MB from S3.
      expect(JSON.stringify(t.toJSON()).length, name).toBeLessThan(1_000_000);
      if (headStacks.includes(name)) {
        const services = Object.values((t.toJSON() as { Resources: Record<string, { Type: string; Properties: { ServiceName?: string; DesiredCount?: number } }> }).Resources).filter((r) => r.Type === 'AWS::ECS::Service');
        for (const s of services) expect(s.Properties.DesiredCount).toBe(1);
        names.push(...services.map((s) => s.Properties.ServiceName!));
      }
    }
    expect(names.length).toBe(2000);
    expect(new Set(names).size).toBe(2000);
    expect(names).toContain('head-1999');
    // Resources per head measured from this synth: the difference between two head stacks of different sizes.
    const sizes = headStacks.map((n) => synth.templates.get(n)!).map(resourceCount);
    expect(sizes.every((s) => (s - RESOURCES.headsStackFixed) % RESOURCES.perHead === 0)).toBe(true);
    expect(synth.templates.has(stackNames.heads(config, headStacks.length))).toBe(false);
  });
});
