import { Annotations, Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeployConfig, TaskSize } from '@florin/deploy-plan';

/** Where the CLI lives in the image (docker/Dockerfile: WORKDIR /app). */
const CLI = '/app/packages/cli/dist/main.js';

export interface FlorinTaskProps {
  readonly config: DeployConfig;
  readonly size: TaskSize;
  readonly managedInstances?: boolean;
  readonly gpus?: number;
  /** Arguments after the image's entrypoint (`node packages/cli/dist/main.js`): the role and its flags. */
  readonly command: readonly string[];
  readonly environment: Record<string, string>;
  readonly secrets?: Record<string, ecs.Secret>;
  /** The gRPC port; the container health check asks `florin health` on it. */
  readonly port?: number;
  readonly logGroup: logs.ILogGroup;
  readonly streamPrefix: string;
  readonly executionRole: iam.IRole;
  readonly taskRole: iam.IRole;
  readonly stopTimeout: Duration;
}

/** A task definition with the one Florin container: init process on, graceful stop, gRPC health check, awslogs. */
export function florinTask(scope: Construct, id: string, props: FlorinTaskProps): ecs.TaskDefinition {
  const taskDefinition = props.managedInstances
    ? new ecs.TaskDefinition(scope, id, {
        compatibility: ecs.Compatibility.MANAGED_INSTANCES,
        networkMode: ecs.NetworkMode.AWS_VPC,
        cpu: String(props.size.cpu),
        memoryMiB: String(props.size.memoryMiB),
        executionRole: props.executionRole,
        taskRole: props.taskRole,
      })
    : new ecs.FargateTaskDefinition(scope, id, {
        cpu: props.size.cpu,
        memoryLimitMiB: props.size.memoryMiB,
        executionRole: props.executionRole,
        taskRole: props.taskRole,
        runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
      });
  const container = taskDefinition.addContainer('florin', {
    image: ecs.ContainerImage.fromRegistry(props.config.image),
    command: [...props.command],
    environment: props.environment,
    ...(props.secrets ? { secrets: props.secrets } : {}),
    essential: true,
    logging: ecs.LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: props.streamPrefix }),
    // Tini as PID 1 forwards SIGTERM to node, so the role drains instead of being SIGKILLed at stopTimeout.
    linuxParameters: new ecs.LinuxParameters(scope, `${id}Linux`, { initProcessEnabled: true }),
    stopTimeout: props.stopTimeout,
    ...(props.gpus ? { gpuCount: props.gpus } : {}),
    ...(props.port !== undefined
      ? {
          portMappings: [{ containerPort: props.port, name: 'grpc', protocol: ecs.Protocol.TCP }],
          healthCheck: {
            command: ['CMD', 'node', CLI, 'health', '--address', `127.0.0.1:${props.port}`],
            interval: Duration.seconds(15),
            timeout: Duration.seconds(5),
            retries: 3,
            startPeriod: Duration.seconds(60),
          },
        }
      : {}),
  });
  if (imagePullStatements(props.config.image).length > 0) {
    Annotations.of(container).acknowledgeWarning('@aws-cdk/aws-ecs:ecrImageRequiresPolicy', 'executionRole() grants ECR pull on the image repository');
  }
  return taskDefinition;
}

/** The role the ECS agent uses to pull the image and write logs; one per stack, so no stack edits another's role. */
export function executionRole(scope: Construct, image: string): iam.Role {
  const role = new iam.Role(scope, 'ExecutionRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  for (const statement of imagePullStatements(image)) role.addToPrincipalPolicy(statement);
  return role;
}

/** ECR pull rights on the image's own repository (none for public registries). */
export function imagePullStatements(image: string): iam.PolicyStatement[] {
  const ecr = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(image);
  if (!ecr) return [];
  const [, account, region, repository] = ecr;
  return [
    new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
    new iam.PolicyStatement({
      actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      resources: [`arn:aws:ecr:${region}:${account}:repository/${repository}`],
    }),
  ];
}
