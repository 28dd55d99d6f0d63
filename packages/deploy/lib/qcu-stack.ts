import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import { qcuServiceName, type DeployConfig, type QcuPoolConfig } from '@florin/deploy-plan';
import type { BaseStack } from './base-stack.js';
import { executionRole, florinTask } from './florin-task.js';
import { roleEnvironment } from './role-environment.js';
import { roleSecrets } from './role-secrets.js';
import { florinTaskRole } from './task-roles.js';

/**
 * The QCU pools: FARGATE_SPOT by default, Managed Instances for GPUs or large memory; each scales between minTasks
 * and maxTasks on the coordinator's queue depth, which the collector publishes to CloudWatch.
 */
export class QcuStack extends Stack {
  constructor(scope: Construct, id: string, config: DeployConfig, base: BaseStack, props: StackProps) {
    super(scope, id, props);
    // QCUs discover heads and the coordinator; they never register, so the role has no Register/Deregister right.
    const taskRole = florinTaskRole(this, 'QcuTaskRole');
    const execution = executionRole(this, config.image);
    for (const pool of config.qcuPools) {
      const managed = pool.capacity === 'MANAGED_INSTANCES';
      const name = qcuServiceName(pool.name);
      const taskDefinition = florinTask(this, `Task-${pool.name}`, {
        config,
        size: pool,
        managedInstances: managed,
        gpus: pool.gpus,
        command: ['qcu', '--concurrency', String(pool.concurrency), '--drain-ms', '110000'],
        environment: { ...roleEnvironment(config, 'qcu'), FLORIN_QCU_POOL: pool.name },
        secrets: roleSecrets(config, 'qcu'),
        logGroup: base.logGroup('qcu'),
        streamPrefix: name,
        executionRole: execution,
        taskRole,
        // Fargate Spot gives two minutes between SIGTERM and the end; the QCU hands back what it cannot finish.
        stopTimeout: Duration.seconds(120),
      });
      const capacityProvider = managed ? base.managedInstanceProviders.get(pool.name)!.capacityProviderName : pool.capacity;
      const service = new ecs.FargateService(this, `Pool-${pool.name}`, {
        cluster: base.cluster(pool.cluster),
        serviceName: name,
        taskDefinition,
        minHealthyPercent: 50,
        maxHealthyPercent: 200,
        circuitBreaker: { rollback: true },
        securityGroups: [base.tasksSecurityGroup],
        vpcSubnets: { subnets: base.subnets },
        capacityProviderStrategies: [{ capacityProvider, weight: 1 }],
      });
      this.scaleOnQueueDepth(config, pool, service);
    }
  }

  /**
   * Step scaling on the queue depth (tasks waiting for a lease): an empty queue for 5 minutes scales in to minTasks;
   * a backlog adds tasks in proportion to queueDepthPerTask.
   */
  private scaleOnQueueDepth(config: DeployConfig, pool: QcuPoolConfig, service: ecs.FargateService): void {
    const scaling = service.autoScaleTaskCount({ minCapacity: pool.minTasks, maxCapacity: pool.maxTasks });
    const depth = new cloudwatch.Metric({
      namespace: config.telemetry.metricNamespace,
      metricName: config.telemetry.queueDepthMetric,
      statistic: 'Maximum',
      period: Duration.minutes(1),
    });
    const per = pool.queueDepthPerTask;
    const big = Math.max(1, Math.ceil(pool.maxTasks / 4));
    scaling.scaleOnMetric('QueueDepth', {
      metric: depth,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      scalingSteps: [
        { upper: 0, change: -pool.maxTasks },
        { lower: per, change: 1 },
        { lower: per * 4, change: Math.max(1, Math.ceil(big / 2)) },
        { lower: per * 16, change: big },
      ],
      evaluationPeriods: 1,
      cooldown: Duration.seconds(60),
    });
  }
}
