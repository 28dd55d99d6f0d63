import { describe, expect, it } from 'vitest';
import { planDeployment, validateConfig } from '@florin/deploy-plan';
import { exampleJson, resourceCount, synthAll } from './synth.js';

/** The plan's resource table (src/resource-table.ts) must equal what the CDK app really synthesizes. */
function expectPlanMatchesSynth(json: unknown): void {
  const config = validateConfig(json);
  const plan = planDeployment(config);
  const synth = synthAll(config);
  const actual = [...synth.templates.entries()].map(([name, t]) => ({ name, resources: resourceCount(t) }));
  expect(actual.sort((a, b) => a.name.localeCompare(b.name))).toEqual([...plan.stacks].sort((a, b) => a.name.localeCompare(b.name)));
}

describe('the plan counts the resources a synth produces', () => {
  it('for the example config', () => {
    expectPlanMatchesSynth(exampleJson());
  });

  it('for an existing VPC, namespace (shared from another account) and database, three AZs and no Managed Instances', () => {
    const json = exampleJson();
    expectPlanMatchesSynth({
      ...json,
      env: { account: '111111111111', region: 'us-east-1' },
      vpc: { existing: { vpcId: 'vpc-0abc', cidr: '10.1.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'], privateSubnetIds: ['subnet-01', 'subnet-02', 'subnet-03'] } },
      namespace: { existing: { id: 'ns-abc123', name: 'florin.shared', arn: 'arn:aws:servicediscovery:us-east-1:222222222222:namespace/ns-abc123', type: 'dns', ownerAccount: '222222222222' } },
      store: { existing: { secretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:florin-db-AbCdEf' } },
      clusters: ['one'],
      heads: { ...(json.heads as object), cluster: 'one', count: 7 },
      shards: { ...(json.shards as object), cluster: 'one', count: 5 },
      coordinator: { ...(json.coordinator as object), cluster: 'one' },
      telemetry: { ...(json.telemetry as object), cluster: 'one' },
      qcuPools: [{ name: 'cpu', cluster: 'one', cpu: 4096, memoryMiB: 8192, maxTasks: 10 }],
    });
  });

  it('for a created VPC over three AZs with three NAT gateways and heads sharing a port with nothing else', () => {
    const json = exampleJson();
    expectPlanMatchesSynth({
      ...json,
      env: { account: '111111111111', region: 'eu-west-1' },
      vpc: { create: { cidr: '10.2.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], natGateways: 3 } },
      heads: { ...(json.heads as object), count: 3, port: 7300 },
    });
  });
});
