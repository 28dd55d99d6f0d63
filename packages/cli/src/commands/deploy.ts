import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import Table from 'cli-table3';
// The plan module of packages/deploy has no dependencies (no aws-cdk-lib): the root build compiles it, so the CLI
// plans a deployment without the CDK toolchain, which is a separate install (npm run deploy:install).
import { ConfigError, parseConfig, planDeployment, type DeployPlan } from '@florin/deploy-plan';
import { nonNegativeInt } from '../options.js';

interface PlanFlags {
  config: string;
  heads?: number;
  json: boolean;
}

const usd = (x: number): string => `$${x.toFixed(2)}`;
const num = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(2));

/** The fleet as tables: one row per kind of service, then the stacks, then the hourly cost. */
export function planText(plan: DeployPlan): string {
  const fleet = new Table({ head: ['services', 'role', 'tasks each', 'capacity', 'cpu', 'memory MiB', 'vCPU', 'memory GiB', '$/h', '$/h On-Demand'], style: { head: [], border: [] } });
  for (const r of plan.rows) {
    fleet.push([String(r.services), r.role, String(r.tasksPerService), r.capacity, String(r.cpu), String(r.memoryMiB), num(r.vcpu), num(r.memoryGiB), usd(r.hourlyUsd), usd(r.hourlyOnDemandUsd)]);
  }
  fleet.push([String(plan.services), 'total', String(plan.tasks) + ' tasks', '', '', '', num(plan.vcpu), num(plan.memoryGiB), '', '']);
  const stacks = new Table({ head: ['stack', 'resources'], style: { head: [], border: [] } });
  for (const s of plan.stacks) stacks.push([s.name, String(s.resources)]);
  const c = plan.hourlyCostUsd;
  const lines = [
    `deployment ${plan.name} (${plan.region})`,
    fleet.toString(),
    stacks.toString(),
    `${plan.stacks.length} stacks, each at most ${plan.maxResourcesPerStack} resources (CloudFormation allows 500); at most ${plan.headsPerStack} head nodes per stack`,
    `hourly cost: ${usd(c.total)} as configured (${usd(c.onDemand)} On-Demand + ${usd(c.spot)} Spot, database ${usd(c.database)}); ${usd(c.ifAllOnDemand)} if every task ran On-Demand`,
  ];
  if (plan.unpriced.length > 0) lines.push(`not in the price table (counted as $0): ${plan.unpriced.join(', ')}`);
  return lines.join('\n') + '\n';
}

export function deployCommand(): Command {
  const plan = new Command('plan')
    .description('print the fleet a deploy config describes: services, tasks, vCPU, memory, stacks, hourly cost')
    .requiredOption('--config <file>', 'the deploy config (JSON), e.g. packages/deploy/config/example.json')
    .option('--heads <n>', 'number of head nodes (overrides heads.count)', nonNegativeInt('--heads'))
    .option('--json', 'print the plan as one JSON object on the last line', false)
    .action(async (flags: PlanFlags) => {
      const text = await readFile(flags.config, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new Error(`cannot read --config ${flags.config}: ${err.code ?? err.message}`);
      });
      let result: DeployPlan;
      try {
        result = planDeployment(parseConfig(text, flags.config, flags.heads));
      } catch (err) {
        if (err instanceof ConfigError) throw new Error(`${flags.config}: ${err.message}`, { cause: err });
        throw err;
      }
      const { rows, ...summary } = result;
      process.stdout.write(flags.json ? JSON.stringify({ ...summary, fleet: rows }) + '\n' : planText(result));
    });
  return new Command('deploy').description('plan an AWS deployment (the CDK app is packages/deploy)').addCommand(plan);
}
