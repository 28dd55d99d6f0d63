import * as iam from 'aws-cdk-lib/aws-iam';
import type * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import type { Construct } from 'constructs';

const DISCOVER = ['servicediscovery:DiscoverInstances', 'servicediscovery:DiscoverInstancesRevision'];

/**
 * A task role that may discover (DiscoverInstances has no resource-level permissions, so "*"), and, when
 * `registersIn` is given, register and deregister instances in that one Cloud Map service and nothing else.
 */
export function florinTaskRole(scope: Construct, id: string, registersIn?: servicediscovery.IService): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'Discover', actions: DISCOVER, resources: ['*'] }));
  if (registersIn !== undefined) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RegisterSelf',
        actions: ['servicediscovery:RegisterInstance', 'servicediscovery:DeregisterInstance', 'servicediscovery:UpdateInstanceCustomHealthStatus'],
        resources: [registersIn.serviceArn],
      }),
    );
    // RegisterInstance is asynchronous; the process polls its operation. GetOperation has no resource type.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'RegisterOperation', actions: ['servicediscovery:GetOperation'], resources: ['*'] }));
  }
  return role;
}
