import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import type { Construct } from 'constructs';
import { discoveryNames, shardServiceName, type DeployConfig } from '@florin/deploy-plan';
import type { BaseStack } from './base-stack.js';
import { executionRole, florinTask } from './florin-task.js';
import { roleEnvironment } from './role-environment.js';
import { roleSecrets } from './role-secrets.js';
import { florinTaskRole } from './task-roles.js';

/**
 * The store and the roles that own state: the PostgreSQL database (created here, or an existing one by its secret),
 * S shard services (one task each, FLORIN_PARTITION = shard id), and the coordinator with its state in PostgreSQL.
 */
export class DataStack extends Stack {
  readonly secret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, config: DeployConfig, base: BaseStack, props: StackProps) {
    super(scope, id, props);
    const store = config.store;
    if (store.kind === 'create') {
      const dbSecurityGroup = new ec2.SecurityGroup(this, 'StoreSecurityGroup', { vpc: base.vpc, description: `${config.name}: PostgreSQL`, allowAllOutbound: false });
      dbSecurityGroup.addIngressRule(base.tasksSecurityGroup, ec2.Port.tcp(5432), 'Florin shards and coordinator');
      const db = new rds.DatabaseInstance(this, 'Store', {
        engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.of(store.engineVersion, store.engineVersion) }),
        instanceType: new ec2.InstanceType(store.instanceClass.replace(/^db\./, '')),
        vpc: base.vpc,
        vpcSubnets: { subnets: base.subnets },
        securityGroups: [dbSecurityGroup],
        credentials: rds.Credentials.fromGeneratedSecret('florin'),
        databaseName: store.databaseName,
        allocatedStorage: store.allocatedStorageGiB,
        storageEncrypted: true,
        multiAz: store.multiAz,
        deletionProtection: true,
        removalPolicy: RemovalPolicy.SNAPSHOT,
      });
      this.secret = db.secret!;
    } else {
      this.secret = secretsmanager.Secret.fromSecretCompleteArn(this, 'StoreSecret', store.secretArn);
    }
    // node-postgres reads the libpq variables, so no password ever appears in a command line or task definition.
    const pg: Record<string, ecs.Secret> = {
      PGHOST: ecs.Secret.fromSecretsManager(this.secret, 'host'),
      PGPORT: ecs.Secret.fromSecretsManager(this.secret, 'port'),
      PGUSER: ecs.Secret.fromSecretsManager(this.secret, 'username'),
      PGPASSWORD: ecs.Secret.fromSecretsManager(this.secret, 'password'),
      PGDATABASE: ecs.Secret.fromSecretsManager(this.secret, 'dbname'),
    };
    const execution = executionRole(this, config.image);

    const shardsDiscovery = new servicediscovery.Service(this, 'ShardsDiscovery', {
      namespace: base.namespace,
      name: discoveryNames.shards,
      discoveryType: servicediscovery.DiscoveryType.API,
      description: 'Florin shards; attribute FLORIN_PARTITION is the shard id',
    });
    const shardRole = florinTaskRole(this, 'ShardTaskRole', shardsDiscovery);
    for (let i = 0; i < config.shards.count; i++) {
      const name = shardServiceName(i);
      const taskDefinition = florinTask(this, `ShardTask${i}`, {
        config,
        size: config.shards,
        command: ['shard', '--data', 'postgres://', '--shard-id', String(i), '--shard-count', String(config.shards.count), '--host', '0.0.0.0', '--port', String(config.shards.port), '--drain-ms', '60000'],
        // Each task its own id ({address} becomes the address it registers): tasksPerShard tasks serve the
        // partition, and during a deployment an old and a new task overlap; one of them writes, by the writer lease.
        environment: { ...roleEnvironment(config, 'shard', discoveryNames.shards), FLORIN_ID: `${name}@{address}`, FLORIN_PARTITION: String(i) },
        secrets: { ...pg, ...roleSecrets(config, 'shard') },
        port: config.shards.port,
        logGroup: base.logGroup('shard'),
        streamPrefix: name,
        executionRole: execution,
        taskRole: shardRole,
        stopTimeout: Duration.seconds(90),
      });
      new ecs.FargateService(this, `Shard${i}`, {
        cluster: base.cluster(config.shards.cluster),
        serviceName: name,
        taskDefinition,
        desiredCount: config.shards.tasksPerShard,
        // A PostgreSQL-backed shard is a reader over shared state: the new task may start before the old one stops,
        // so the partition is never without a server during a deployment (writes keep one writer through the store).
        minHealthyPercent: 100,
        maxHealthyPercent: 200,
        circuitBreaker: { rollback: true },
        securityGroups: [base.tasksSecurityGroup],
        vpcSubnets: { subnets: base.subnets },
        capacityProviderStrategies: [{ capacityProvider: 'FARGATE', weight: 1 }],
      });
    }

    const coordinatorDiscovery = new servicediscovery.Service(this, 'CoordinatorDiscovery', {
      namespace: base.namespace,
      name: discoveryNames.coordinator,
      discoveryType: servicediscovery.DiscoveryType.API,
      description: 'The Florin coordinator',
    });
    const coordinatorTask = florinTask(this, 'CoordinatorTask', {
      config,
      size: config.coordinator,
      command: ['coordinator', '--store', 'postgres://', '--host', '0.0.0.0', '--port', String(config.coordinator.port), '--drain-ms', '30000'],
      environment: { ...roleEnvironment(config, 'coordinator', discoveryNames.coordinator), FLORIN_ID: 'coordinator' },
      secrets: { ...pg, ...roleSecrets(config, 'coordinator') },
      port: config.coordinator.port,
      logGroup: base.logGroup('coordinator'),
      streamPrefix: 'coordinator',
      executionRole: execution,
      taskRole: florinTaskRole(this, 'CoordinatorTaskRole', coordinatorDiscovery),
      stopTimeout: Duration.seconds(60),
    });
    new ecs.FargateService(this, 'Coordinator', {
      cluster: base.cluster(config.coordinator.cluster),
      serviceName: 'coordinator',
      taskDefinition: coordinatorTask,
      desiredCount: 1,
      // One coordinator at a time: the old one stops (handing leases back) before the new one starts.
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      circuitBreaker: { rollback: true },
      securityGroups: [base.tasksSecurityGroup],
      vpcSubnets: { subnets: base.subnets },
      capacityProviderStrategies: [{ capacityProvider: 'FARGATE', weight: 1 }],
    });
  }
}
