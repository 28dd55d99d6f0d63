import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, fargateSizeProblem, parseConfig, validateConfig } from '../src/index.js';

const example = (): Record<string, unknown> => JSON.parse(readFileSync(new URL('../../deploy/config/example.json', import.meta.url), 'utf8')) as Record<string, unknown>;

function problems(json: unknown): string[] {
  try {
    validateConfig(json);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('validateConfig', () => {
  it('accepts the example config and fills in defaults', () => {
    const config = validateConfig(example());
    expect(config.heads).toMatchObject({ count: 2, idPrefix: 'head-', idDigits: 4, cpu: 1024, memoryMiB: 4096 });
    expect(config.qcuPools.map((p) => [p.name, p.capacity])).toEqual([['default', 'FARGATE_SPOT'], ['gpu', 'MANAGED_INSTANCES']]);
  });

  it('refuses a CPU/memory pair Fargate does not run, listing the memory choices for that CPU', () => {
    const json = example();
    expect(problems({ ...json, heads: { ...(json.heads as object), cpu: 1024, memoryMiB: 1024, cacheMiB: 512 } })).toEqual([
      'heads.cpu/memoryMiB: memoryMiB 1024 is not valid with cpu 1024 on Fargate; with cpu 1024 choose one of 2048 to 8192 in steps of 1024 (2048, 3072, 4096, 5120, 6144, 7168, 8192) MiB',
    ]);
    expect(problems({ ...json, shards: { ...(json.shards as object), cpu: 3000 } })).toEqual([
      'shards.cpu/memoryMiB: cpu 3000 is not a Fargate CPU value; choose one of 256, 512, 1024, 2048, 4096, 8192, 16384 (CPU units, 1024 = 1 vCPU)',
    ]);
    expect(fargateSizeProblem(256, 2048)).toBeUndefined();
    expect(fargateSizeProblem(256, 3072)).toBe('memoryMiB 3072 is not valid with cpu 256 on Fargate; with cpu 256 choose one of 512, 1024, 2048 MiB');
    expect(fargateSizeProblem(16384, 122880)).toBeUndefined();
    expect(fargateSizeProblem(8192, 18432)).toContain('16384 to 61440 in steps of 4096');
  });

  it("refuses a head cache that leaves less than the head's measured headroom of the task's memory", () => {
    const json = example();
    expect(problems({ ...json, heads: { ...(json.heads as object), cpu: 1024, memoryMiB: 2048, cacheMiB: 1800 } })).toEqual([
      "heads.cacheMiB: 1800 leaves 248 MiB of the task's memoryMiB 2048 for the rest of the head, which needs about 256 MiB besides its cache; choose cacheMiB <= 1792 or a larger memoryMiB",
    ]);
    expect(problems({ ...json, heads: { ...(json.heads as object), cpu: 1024, memoryMiB: 2048, cacheMiB: 1792 } })).toEqual([]);
  });

  it('sends a QCU pool that asks for GPUs or more than 120 GiB to Managed Instances, and refuses GPUs on Fargate', () => {
    const json = example();
    const pool = { name: 'big', cpu: 16384, memoryMiB: 196608, instanceTypes: ['r7i.8xlarge'] };
    expect(validateConfig({ ...json, qcuPools: [pool] }).qcuPools[0]!.capacity).toBe('MANAGED_INSTANCES');
    expect(problems({ ...json, qcuPools: [{ name: 'g', capacity: 'FARGATE_SPOT', gpus: 1, cpu: 4096, memoryMiB: 16384 }] })).toEqual([
      'qcuPools[0].gpus: Fargate has no GPUs; a pool with gpus 1 needs capacity "MANAGED_INSTANCES"',
    ]);
    expect(problems({ ...json, qcuPools: [{ ...pool, instanceTypes: ['x9.huge'] }] })).toEqual([
      'qcuPools[0].instanceTypes[0]: "x9.huge" has no entry in prices.managedInstances (known: g5.xlarge, g6.xlarge, r7i.8xlarge)',
    ]);
    expect(problems({ ...json, qcuPools: [{ ...pool, instanceTypes: ['g5.xlarge'] }] })).toEqual([
      'qcuPools[0].instanceTypes[0]: g5.xlarge (4 vCPU, 16 GiB, 1 GPU) cannot hold one task of cpu 16384, memoryMiB 196608, gpus 0',
    ]);
  });

  it('names every wrong field and what is allowed', () => {
    const json = example();
    expect(
      problems({
        ...json,
        name: 'Florin Prod',
        colour: 'blue',
        clusters: ['a'],
        heads: { ...(json.heads as object), cluster: 'florin-data', count: -1 },
        shards: { ...(json.shards as object), tasksPerShard: 0 },
        vpc: { create: {}, existing: {} },
        logRetentionDays: 10,
        qcuPools: [{ name: 'default', cluster: 'a', capacity: 'EC2', maxTasks: 1, minTasks: 2 }],
      }),
    ).toEqual([
      'colour: unknown field; allowed fields here: name, env, image, vpc, clusters, namespace, store, heads, shards, coordinator, qcuPools, telemetry, logRetentionDays, security, maxResourcesPerStack, prices',
      'name: "Florin Prod" is not allowed; expected lower-case letters, digits and "-", starting with a letter, at most 24 characters',
      'vpc: give exactly one of "create" (a new VPC) or "existing" (an existing VPC by id)',
      'vpc.existing.availabilityZones: expected an array of at least 1 string(s) (availability zone names such as us-east-1a), got nothing',
      'vpc.existing.privateSubnetIds: expected an array of at least 1 string(s) (subnet ids such as subnet-0abc12), got nothing',
      'vpc.existing.vpcId: expected a VPC id such as vpc-0abc12, got nothing',
      'vpc.existing.cidr: expected an IPv4 CIDR such as 10.0.0.0/16, got nothing',
      'heads.count: -1 is out of range; expected an integer with 0 <= n <= 100000',
      'heads.cluster: "florin-data" is not one of the clusters: a',
      'shards.tasksPerShard: 0 is out of range; expected an integer with 1 <= n <= 16',
      'shards.cluster: "florin-data" is not one of the clusters: a',
      'coordinator.cluster: "florin-data" is not one of the clusters: a',
      'telemetry.cluster: "florin-data" is not one of the clusters: a',
      'qcuPools[0].capacity: expected one of "FARGATE", "FARGATE_SPOT", "MANAGED_INSTANCES", got "EC2"',
      'qcuPools[0].maxTasks: 1 is below minTasks 2',
      'qcuPools[0].plannedTasks: 2 must lie between minTasks 2 and maxTasks 1',
      'logRetentionDays: 10 is not a CloudWatch Logs retention; choose one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653',
    ]);
  });

  it('reports a file that is not JSON, and takes --heads over heads.count with enough id digits', () => {
    expect(() => parseConfig('{', 'x.json')).toThrow(/x\.json: not valid JSON/);
    const text = readFileSync(new URL('../../deploy/config/example.json', import.meta.url), 'utf8');
    const config = parseConfig(text, 'example.json', 20000);
    expect(config.heads.count).toBe(20000);
    expect(config.heads.idDigits).toBe(5);
  });
});
