import { App, type Environment, type Stack } from 'aws-cdk-lib';
import { headGroups, oversizedStacks, planDeployment, stackNames, type DeployConfig } from '@florin/deploy-plan';
import { BaseStack } from './base-stack.js';
import { DataStack } from './data-stack.js';
import { HeadsStack } from './heads-stack.js';
import { QcuStack } from './qcu-stack.js';

export interface FlorinStacks {
  readonly app: App;
  readonly base: BaseStack;
  readonly data: DataStack;
  readonly qcu: QcuStack;
  readonly heads: HeadsStack[];
  readonly all: Stack[];
}

/**
 * The CDK App the deployment lives in: no analytics metadata resource (the plan counts every resource), and an
 * autoscaled service gets no DesiredCount, so a deployment never resets the QCU pools to their minimum.
 */
export function florinApp(): App {
  return new App({ analyticsReporting: false, context: { '@aws-cdk/aws-ecs:removeDefaultDesiredCount': true } });
}

/** Every stack of one deployment, split as planStacks() says (heads in stacks of at most headsPerStack). */
export function buildFlorinApp(config: DeployConfig, app: App = florinApp()): FlorinStacks {
  const env: Environment | undefined = config.env ? { account: config.env.account, region: config.env.region } : undefined;
  const props = { ...(env ? { env } : {}), tags: { 'florin:deployment': config.name } };
  const base = new BaseStack(app, stackNames.base(config), config, { ...props, description: `Florin ${config.name}: network, clusters, discovery, telemetry` });
  const data = new DataStack(app, stackNames.data(config), config, base, { ...props, description: `Florin ${config.name}: store, shards, coordinator` });
  const qcu = new QcuStack(app, stackNames.qcu(config), config, base, { ...props, description: `Florin ${config.name}: QCU pools` });
  const oversized = oversizedStacks(planDeployment(config));
  if (oversized.length > 0) {
    throw new Error(`stacks over maxResourcesPerStack ${config.maxResourcesPerStack}: ${oversized.map((s) => `${s.name} (${s.resources})`).join(', ')}; reduce shards or QCU pools`);
  }
  const heads = headGroups(config).map(
    (g) => new HeadsStack(app, stackNames.heads(config, g.group), config, base, g.group, g.first, g.end, { ...props, description: `Florin ${config.name}: head nodes ${g.first}..${g.end - 1}` }),
  );
  return { app, base, data, qcu, heads, all: [base, data, qcu, ...heads] };
}
