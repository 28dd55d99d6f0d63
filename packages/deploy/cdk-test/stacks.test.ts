import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { headId, stackNames, type DeployConfig } from '@florin/deploy-plan';
import { exampleConfig, synthAll, template, type Synth } from './synth.js';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const resources = (synth: Synth, stack: string, type: string): Resources[string][] =>
  Object.values((template(synth, stack).toJSON() as { Resources: Resources }).Resources).filter((r) => r.Type === type);

describe('the CDK app for config/example.json', () => {
  let config: DeployConfig;
  let synth: Synth;
  beforeAll(() => {
    config = exampleConfig(5);
    synth = synthAll(config);
  });

  it('runs each head node as its own service with exactly one task, never two at once', () => {
    const heads = template(synth, stackNames.heads(config, 0));
    heads.resourceCountIs('AWS::ECS::Service', 5);
    for (let i = 0; i < 5; i++) {
      heads.hasResourceProperties('AWS::ECS::Service', {
        ServiceName: headId(config, i),
        DesiredCount: 1,
        DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 0, MaximumPercent: 100, DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
        CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }],
      });
    }
  });

  it('gives each head its stable id as FLORIN_ID and registers it in the stack Cloud Map service', () => {
    const heads = template(synth, stackNames.heads(config, 0));
    heads.hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: 'heads-000', Type: 'HTTP' });
    const defs = resources(synth, stackNames.heads(config, 0), 'AWS::ECS::TaskDefinition');
    const ids = defs.map((d) => {
      const container = (d.Properties.ContainerDefinitions as { Environment: { Name: string; Value: string }[]; Command: string[] }[])[0]!;
      const env = Object.fromEntries(container.Environment.map((e) => [e.Name, e.Value]));
      expect(env.FLORIN_CLOUDMAP_SERVICE).toBe('heads-000');
      expect(env.FLORIN_CLOUDMAP_NAMESPACE).toBe('florin.local');
      expect(container.Command.slice(0, 3)).toEqual(['head', '--id', env.FLORIN_ID]);
      return env.FLORIN_ID;
    });
    expect(ids.sort()).toEqual(['head-0000', 'head-0001', 'head-0002', 'head-0003', 'head-0004']);
  });

  it('gives each shard its partition as FLORIN_PARTITION, its store credentials and its TLS material and grant key from secrets', () => {
    const defs = resources(synth, stackNames.data(config), 'AWS::ECS::TaskDefinition');
    const partitions = defs
      .map((d) => (d.Properties.ContainerDefinitions as { Environment: { Name: string; Value: string }[]; Secrets: { Name: string }[] }[])[0]!)
      .filter((c) => c.Environment.some((e) => e.Name === 'FLORIN_PARTITION'))
      .map((c) => {
        expect(c.Secrets.map((s) => s.Name).sort()).toEqual(['FLORIN_GRANT_KEY_JSON', 'FLORIN_JWKS_JSON', 'FLORIN_TLS_CA_PEM', 'FLORIN_TLS_CERT_PEM', 'FLORIN_TLS_KEY_PEM', 'PGDATABASE', 'PGHOST', 'PGPASSWORD', 'PGPORT', 'PGUSER']);
        return c.Environment.find((e) => e.Name === 'FLORIN_PARTITION')!.Value;
      });
    expect(partitions.sort()).toEqual(['0', '1']);
    // Each task of a partition registers its own id (the writer lease names it): shard-<n>@<its address>.
    const ids = defs
      .map((d) => (d.Properties.ContainerDefinitions as { Environment: { Name: string; Value: string }[] }[])[0]!.Environment)
      .filter((env) => env.some((e) => e.Name === 'FLORIN_PARTITION'))
      .map((env) => env.find((e) => e.Name === 'FLORIN_ID')!.Value);
    expect(ids.every((id) => /^[a-z0-9-]+@\{address\}$/.test(id)), ids.join(', ')).toBe(true);
    // shards.tasksPerShard tasks per partition, overlapping during a deployment (one writes, by the lease).
    const services = resources(synth, stackNames.data(config), 'AWS::ECS::Service').filter((s) => String(s.Properties.ServiceName).startsWith('shard-'));
    expect(services.map((s) => s.Properties.DesiredCount)).toEqual([config.shards.tasksPerShard, config.shards.tasksPerShard]);
    expect(config.shards.tasksPerShard).toBe(2);
    template(synth, stackNames.data(config)).hasResourceProperties('AWS::RDS::DBInstance', { Engine: 'postgres', DBInstanceClass: 'db.r6g.large', StorageEncrypted: true });
  });

  it('uses FARGATE, FARGATE_SPOT and a Managed Instances capacity provider', () => {
    const base = template(synth, stackNames.base(config));
    base.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      CapacityProviders: Match.arrayWith(['FARGATE', 'FARGATE_SPOT']),
    });
    base.hasResourceProperties('AWS::ECS::CapacityProvider', {
      ManagedInstancesProvider: Match.objectLike({
        InstanceLaunchTemplate: Match.objectLike({
          CapacityOptionType: 'SPOT',
          InstanceRequirements: Match.objectLike({ AllowedInstanceTypes: ['g5.xlarge', 'g6.xlarge'], AcceleratorCount: { Min: 1 } }),
        }),
      }),
    });
    const qcu = template(synth, stackNames.qcu(config));
    qcu.hasResourceProperties('AWS::ECS::Service', { ServiceName: 'qcu-default', CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }] });
    qcu.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'qcu-gpu',
      CapacityProviderStrategy: [{ CapacityProvider: { 'Fn::ImportValue': Match.stringLikeRegexp('ManagedInstancesgpu') }, Weight: 1 }],
    });
    qcu.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['MANAGED_INSTANCES'],
      ContainerDefinitions: [Match.objectLike({ ResourceRequirements: [{ Type: 'GPU', Value: '1' }] })],
    });
  });

  it('scales QCU pools on the coordinator queue depth', () => {
    const qcu = template(synth, stackNames.qcu(config));
    qcu.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 50 });
    qcu.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'Florin', MetricName: 'florin.coordinator.queue_depth', ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 8 });
    qcu.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'Florin', MetricName: 'florin.coordinator.queue_depth', ComparisonOperator: 'LessThanOrEqualToThreshold', Threshold: 0 });
  });

  it('health-checks every gRPC role with florin health, runs an init process, and gives QCUs the Spot warning to drain', () => {
    const all = [stackNames.heads(config, 0), stackNames.data(config), stackNames.qcu(config)].flatMap((s) => resources(synth, s, 'AWS::ECS::TaskDefinition'));
    expect(all.length).toBe(5 + 3 + 2);
    for (const def of all) {
      const c = (def.Properties.ContainerDefinitions as Record<string, unknown>[])[0]!;
      expect(c.LinuxParameters).toMatchObject({ InitProcessEnabled: true });
      const role = (c.Command as string[])[0];
      if (role === 'qcu') {
        expect(c.StopTimeout).toBe(120);
        expect(c.HealthCheck).toBeUndefined();
      } else {
        const port = role === 'head' ? 7200 : role === 'shard' ? 7100 : 7400;
        expect(c.HealthCheck).toEqual({ Command: ['CMD', 'node', '/app/packages/cli/dist/main.js', 'health', '--address', `127.0.0.1:${port}`], Interval: 15, Timeout: 5, Retries: 3, StartPeriod: 60 });
      }
    }
  });

  it('gives task roles least privilege: QCUs discover but never register; writers register only in their own service', () => {
    const policyOf = (stack: string, role: RegExp) => {
      const found = Object.entries((template(synth, stack).toJSON() as { Resources: Resources }).Resources).filter(
        ([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).match(role),
      );
      expect(found.length).toBe(1);
      return (found[0]![1].Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement;
    };
    const actions = (statements: { Action: string | string[] }[]) => statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

    const qcu = policyOf(stackNames.qcu(config), /QcuTaskRole/);
    expect(actions(qcu).sort()).toEqual(['servicediscovery:DiscoverInstances', 'servicediscovery:DiscoverInstancesRevision']);
    expect(actions(qcu)).not.toContain('servicediscovery:RegisterInstance');

    const head = policyOf(stackNames.heads(config, 0), /HeadTaskRole/);
    const register = head.find((s) => actions([s]).includes('servicediscovery:RegisterInstance'))!;
    expect(register.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^HeadsDiscovery/), 'Arn'] });
    const shard = policyOf(stackNames.data(config), /ShardTaskRole/);
    expect(shard.find((s) => actions([s]).includes('servicediscovery:RegisterInstance'))!.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ShardsDiscovery/), 'Arn'] });
    const coordinator = policyOf(stackNames.data(config), /CoordinatorTaskRole/);
    expect(coordinator.find((s) => actions([s]).includes('servicediscovery:RegisterInstance'))!.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^CoordinatorDiscovery/), 'Arn'] });

    // No task role anywhere may write outside its lane: no wildcard actions, no Register on "*".
    for (const stack of synth.templates.keys()) {
      for (const r of resources(synth, stack, 'AWS::IAM::Policy')) {
        for (const s of (r.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement) {
          expect(actions([s]).some((a) => a.endsWith(':*') || a === '*')).toBe(false);
          if (actions([s]).includes('servicediscovery:RegisterInstance')) expect(s.Resource).not.toBe('*');
        }
      }
    }
  });

  it('runs the OpenTelemetry collector that every task pushes OTLP to, reachable by DNS in the namespace', () => {
    const base = template(synth, stackNames.base(config));
    base.hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: 'otel-collector', DnsConfig: Match.objectLike({ DnsRecords: [{ Type: 'A', TTL: 10 }] }) });
    base.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3', Environment: [{ Name: 'AOT_CONFIG_CONTENT', Value: Match.stringLikeRegexp('awsemf') }] })],
    });
    base.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'cloudwatch:PutMetricData', Condition: { StringEquals: { 'cloudwatch:namespace': 'Florin' } } })]) },
    });
  });
});
