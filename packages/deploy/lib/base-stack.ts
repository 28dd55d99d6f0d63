import { Duration, RemovalPolicy, Size, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import type { Construct } from 'constructs';
import { COLLECTOR_OTLP_PORT, discoveryNames, type DeployConfig } from '@florin/deploy-plan';
import { collectorConfig } from './collector-config.js';
import { executionRole } from './florin-task.js';

export type LogRole = 'head' | 'shard' | 'coordinator' | 'qcu' | 'collector';
const LOG_ROLES: readonly LogRole[] = ['head', 'shard', 'coordinator', 'qcu', 'collector'];

/**
 * What every other stack builds on: the network, the ECS clusters and their capacity providers (FARGATE,
 * FARGATE_SPOT, one Managed Instances provider per QCU pool that needs one), the Cloud Map namespace, the log
 * groups, the security group of the Florin tasks, and the OpenTelemetry collector they push to.
 */
export class BaseStack extends Stack {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.ISubnet[];
  readonly tasksSecurityGroup: ec2.SecurityGroup;
  readonly clusters = new Map<string, ecs.Cluster>();
  readonly namespace: servicediscovery.IPrivateDnsNamespace;
  readonly logGroups = new Map<LogRole, logs.LogGroup>();
  readonly managedInstanceProviders = new Map<string, ecs.ManagedInstancesCapacityProvider>();

  constructor(scope: Construct, id: string, config: DeployConfig, props: StackProps) {
    super(scope, id, props);
    const v = config.vpc;
    if (v.kind === 'create') {
      this.vpc = new ec2.Vpc(this, 'Vpc', {
        ipAddresses: ec2.IpAddresses.cidr(v.cidr),
        ...(v.availabilityZones.length > 0 ? { availabilityZones: [...v.availabilityZones] } : { maxAzs: 2 }),
        natGateways: v.natGateways,
        restrictDefaultSecurityGroup: false,
        subnetConfiguration: [
          { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
          { name: 'tasks', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 19 },
        ],
      });
      this.subnets = this.vpc.privateSubnets;
    } else {
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: v.vpcId,
        vpcCidrBlock: v.cidr,
        availabilityZones: [...v.availabilityZones],
        privateSubnetIds: [...v.privateSubnetIds],
      });
      this.subnets = this.vpc.privateSubnets;
    }

    this.tasksSecurityGroup = new ec2.SecurityGroup(this, 'TasksSecurityGroup', {
      vpc: this.vpc,
      description: `${config.name}: Florin tasks (gRPC between roles, OTLP to the collector)`,
      allowAllOutbound: true,
    });
    const ports = [config.heads.port, config.shards.port, config.coordinator.port, COLLECTOR_OTLP_PORT];
    for (const port of [...new Set(ports)].sort((a, b) => a - b)) {
      this.tasksSecurityGroup.addIngressRule(this.tasksSecurityGroup, ec2.Port.tcp(port), `Florin tasks to each other on ${port}`);
    }

    for (const name of config.clusters) {
      this.clusters.set(name, new ecs.Cluster(this, `Cluster-${name}`, { vpc: this.vpc, clusterName: name, enableFargateCapacityProviders: true }));
    }
    for (const pool of config.qcuPools.filter((p) => p.capacity === 'MANAGED_INSTANCES')) {
      const provider = new ecs.ManagedInstancesCapacityProvider(this, `ManagedInstances-${pool.name}`, {
        subnets: this.subnets,
        securityGroups: [this.tasksSecurityGroup],
        capacityOptionType: pool.spotInstances ? ecs.CapacityOptionType.SPOT : ecs.CapacityOptionType.ON_DEMAND,
        taskVolumeStorage: Size.gibibytes(100),
        instanceRequirements: {
          vCpuCountMin: Math.ceil(pool.cpu / 1024),
          memoryMin: Size.mebibytes(pool.memoryMiB),
          allowedInstanceTypes: [...pool.instanceTypes],
          ...(pool.gpus > 0 ? { acceleratorCountMin: pool.gpus } : {}),
        },
      });
      this.clusters.get(pool.cluster)!.addManagedInstancesCapacityProvider(provider);
      this.managedInstanceProviders.set(pool.name, provider);
    }

    const ns = config.namespace;
    this.namespace =
      ns.kind === 'create'
        ? new servicediscovery.PrivateDnsNamespace(this, 'Namespace', { name: ns.name, vpc: this.vpc, description: `${config.name}: Florin discovery` })
        : servicediscovery.PrivateDnsNamespace.fromPrivateDnsNamespaceAttributes(this, 'Namespace', {
            namespaceId: ns.id,
            namespaceName: ns.name,
            namespaceArn: ns.arn,
          });

    for (const role of LOG_ROLES) {
      this.logGroups.set(
        role,
        new logs.LogGroup(this, `Logs-${role}`, {
          logGroupName: `/${config.name}/${role}`,
          retention: config.logRetentionDays as logs.RetentionDays,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      );
    }
    this.addCollector(config);
  }

  /** The ADOT collector: one Fargate service, reachable as otel-collector.<namespace> (DNS A record managed by ECS). */
  private addCollector(config: DeployConfig): void {
    const metricsLogGroup = new logs.LogGroup(this, 'Logs-metrics', {
      logGroupName: `/${config.name}/metrics`,
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(this, 'CollectorTaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'Metrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': config.telemetry.metricNamespace } },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EmfLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [metricsLogGroup.logGroupArn, `${metricsLogGroup.logGroupArn}:*`],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'Traces',
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
        resources: ['*'],
      }),
    );
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'CollectorTask', {
      cpu: config.telemetry.cpu,
      memoryLimitMiB: config.telemetry.memoryMiB,
      taskRole: role,
      executionRole: executionRole(this, config.telemetry.collectorImage),
    });
    taskDefinition.addContainer('collector', {
      image: ecs.ContainerImage.fromRegistry(config.telemetry.collectorImage),
      environment: { AOT_CONFIG_CONTENT: collectorConfig(config, `/${config.name}/metrics`) },
      portMappings: [{ containerPort: COLLECTOR_OTLP_PORT, name: 'otlp-grpc' }, { containerPort: 4318, name: 'otlp-http' }],
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroups.get('collector')!, streamPrefix: 'collector' }),
      // The ADOT image ships /healthcheck, which asks the health_check extension.
      healthCheck: { command: ['CMD', '/healthcheck'], interval: Duration.seconds(15), timeout: Duration.seconds(5), retries: 3, startPeriod: Duration.seconds(30) },
      stopTimeout: Duration.seconds(30),
    });
    new ecs.FargateService(this, 'Collector', {
      cluster: this.clusters.get(config.telemetry.cluster)!,
      serviceName: 'otel-collector',
      taskDefinition,
      desiredCount: 1,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      securityGroups: [this.tasksSecurityGroup],
      vpcSubnets: { subnets: this.subnets },
      capacityProviderStrategies: [{ capacityProvider: 'FARGATE', weight: 1 }],
      circuitBreaker: { rollback: true },
      cloudMapOptions: {
        name: discoveryNames.collector,
        cloudMapNamespace: this.namespace,
        dnsRecordType: servicediscovery.DnsRecordType.A,
        dnsTtl: Duration.seconds(10),
      },
    });
  }

  cluster(name: string): ecs.Cluster {
    const cluster = this.clusters.get(name);
    if (!cluster) throw new Error(`no cluster named ${name}`);
    return cluster;
  }

  logGroup(role: LogRole): logs.LogGroup {
    return this.logGroups.get(role)!;
  }
}
