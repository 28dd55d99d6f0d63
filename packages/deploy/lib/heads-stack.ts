import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import type { Construct } from 'constructs';
import { discoveryNames, headId, type DeployConfig } from '@florin/deploy-plan';
import type { BaseStack } from './base-stack.js';
import { executionRole, florinTask } from './florin-task.js';
import { roleEnvironment } from './role-environment.js';
import { roleSecrets } from './role-secrets.js';
import { florinTaskRole } from './task-roles.js';

/**
 * Head nodes [first, end): each its own ECS service with exactly one task, named by its stable id (head-0042), which
 * the process registers as the Cloud Map attribute FLORIN_ID in this stack's Cloud Map service.
 */
export class HeadsStack extends Stack {
  constructor(scope: Construct, id: string, config: DeployConfig, base: BaseStack, group: number, first: number, end: number, props: StackProps) {
    super(scope, id, props);
    const discoveryName = discoveryNames.heads(group);
    const discovery = new servicediscovery.Service(this, 'HeadsDiscovery', {
      namespace: base.namespace,
      name: discoveryName,
      discoveryType: servicediscovery.DiscoveryType.API,
      description: `Florin head nodes ${headId(config, first)} to ${headId(config, end - 1)}; attribute FLORIN_ID is the head's stable id`,
    });
    const taskRole = florinTaskRole(this, 'HeadTaskRole', discovery);
    const execution = executionRole(this, config.image);
    const cluster = base.cluster(config.heads.cluster);
    for (let i = first; i < end; i++) {
      const name = headId(config, i);
      const taskDefinition = florinTask(this, `Task-${name}`, {
        config,
        size: config.heads,
        command: ['head', '--id', name, '--host', '0.0.0.0', '--port', String(config.heads.port), '--cache-mb', String(config.heads.cacheMiB), '--drain-ms', '60000'],
        environment: { ...roleEnvironment(config, 'head', discoveryName), FLORIN_ID: name },
        secrets: roleSecrets(config, 'head'),
        port: config.heads.port,
        logGroup: base.logGroup('head'),
        streamPrefix: name,
        executionRole: execution,
        taskRole,
        stopTimeout: Duration.seconds(90),
      });
      new ecs.FargateService(this, name, {
        cluster,
        serviceName: name,
        taskDefinition,
        desiredCount: 1,
        // Never two tasks of one head: the old task stops (deregisters, drains) before the new one starts. With
        // 100/200 both would register the same FLORIN_ID for a while, and the old one's deregistration on stop would
        // remove the new one's entry. The head's keys are served from the shards meanwhile.
        minHealthyPercent: 0,
        maxHealthyPercent: 100,
        circuitBreaker: { rollback: true },
        securityGroups: [base.tasksSecurityGroup],
        vpcSubnets: { subnets: base.subnets },
        capacityProviderStrategies: [{ capacityProvider: 'FARGATE', weight: 1 }],
      });
    }
  }
}
