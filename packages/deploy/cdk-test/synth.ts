import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { parseConfig, type DeployConfig } from '@florin/deploy-plan';
import { buildFlorinApp, florinApp, type FlorinStacks } from '../lib/florin-app.js';

export const EXAMPLE = new URL('../config/example.json', import.meta.url);

export function exampleJson(): Record<string, unknown> {
  return JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
}

export function exampleConfig(heads?: number): DeployConfig {
  return parseConfig(readFileSync(EXAMPLE, 'utf8'), 'example.json', heads);
}

export interface Synth {
  readonly stacks: FlorinStacks;
  readonly templates: Map<string, Template>;
}

/** Synthesizes every stack once (one App.synth()) and wraps each template for assertions. */
export function synthAll(config: DeployConfig): Synth {
  const stacks = buildFlorinApp(config, florinApp());
  const assembly = stacks.app.synth();
  const templates = new Map<string, Template>();
  for (const stack of assembly.stacks) templates.set(stack.stackName, Template.fromJSON(stack.template as Record<string, unknown>));
  return { stacks, templates };
}

export function resourceCount(template: Template): number {
  return Object.keys((template.toJSON() as { Resources: Record<string, unknown> }).Resources).length;
}

export function template(synth: Synth, name: string): Template {
  const t = synth.templates.get(name);
  if (!t) throw new Error(`no stack ${name}; have ${[...synth.templates.keys()].join(', ')}`);
  return t;
}
