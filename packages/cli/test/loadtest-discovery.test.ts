import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMarket } from '@florin/store';
import { HeadServer } from '@florin/head';
import { FLORIN_ID, FLORIN_PARTITION, FLORIN_SHARD_COUNT, LocalRegistryDiscovery } from '@florin/discovery';
import { discoverLoadAddresses, type LoadDiscoveryFlags } from '@florin/cli';
import { runCli, startShardCluster, type ShardCluster } from '@florin/test-support';

/**
 * `florin loadtest --discovery`: targets found as the role processes find them
 * (a local registry here), and a cluster off this machine refused unless named
 * with --target-cluster. Nothing here sends a byte off loopback: the refused
 * members are never contacted.
 */
describe('florin loadtest finds its targets through discovery', () => {
  let cluster: ShardCluster;
  let head: HeadServer;
  let dir: string;
  const registrations: LocalRegistryDiscovery[] = [];
  const market = generateMarket({ symbols: 8, years: 2, end: '2024-12-31', seed: 3 });

  const flags = (registryDir: string, extra: Partial<LoadDiscoveryFlags> = {}): LoadDiscoveryFlags => ({
    discovery: 'local',
    registryDir,
    cloudmapNamespace: 'florin.local',
    headServices: ['heads'],
    coordinatorService: 'coordinator',
    shardService: 'shards',
    ...extra,
  });
  /** Registers members as the role processes do (this process stays alive, so the registry keeps them). */
  async function register(registryDir: string, shardAddresses: readonly string[], heads: readonly { id: string; address: string }[]): Promise<void> {
    const registry = new LocalRegistryDiscovery({ directory: registryDir });
    registrations.push(registry);
    // Registered in reverse partition order: the load test must order them by FLORIN_PARTITION.
    for (const [p, address] of [...shardAddresses.entries()].reverse()) {
      await registry.register({ service: 'shards', id: `shard-${p}`, address, attributes: { [FLORIN_ID]: `shard-${p}`, [FLORIN_PARTITION]: String(p), [FLORIN_SHARD_COUNT]: String(shardAddresses.length) } });
    }
    for (const h of heads) await registry.register({ service: 'heads', id: h.id, address: h.address, attributes: { [FLORIN_ID]: h.id } });
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'florin-loadtest-discovery-'));
    cluster = await startShardCluster(2);
    await cluster.router.createDataset(market.dataset);
    await cluster.router.write(market.dataset.name, market.dataset.fields, [...market.frames()]);
    head = new HeadServer({ shards: cluster.addresses, nodeId: 'head-0', port: 0 });
    await head.start();
    await register(join(dir, 'local'), cluster.addresses, [{ id: 'head-0', address: head.address! }]);
    await register(join(dir, 'remote'), ['10.255.0.1:7100', '10.255.0.2:7100'], [{ id: 'head-0000', address: '10.255.0.3:7200' }]);
  });
  afterAll(async () => {
    for (const r of registrations) await r.close();
    await head?.close(1_000);
    await cluster?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the heads (id=address) and one shard per partition in partition order', async () => {
    expect(await discoverLoadAddresses(flags(join(dir, 'local')))).toEqual({ heads: [`head-0=${head.address!}`], shards: cluster.addresses });
  });

  it('runs a load test on the cluster it found (CLI)', async () => {
    const res = await runCli([
      'loadtest', '--discovery', 'local', '--registry-dir', join(dir, 'local'),
      '--universe', market.symbols.join(','), '--requests', '60', '--clients', '4', '--verify', '5', '--json',
    ]);
    expect(res.code, res.stderr).toBe(0);
    const json = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as { requests: number; errors: number; verified: { mismatches: number; checked: number } };
    expect(json).toMatchObject({ requests: 60, errors: 0, verified: { mismatches: 0, checked: 12 } });
  });

  it('refuses members off this machine unless --target-cluster names the cluster found, before connecting to anything', async () => {
    const remote = join(dir, 'remote');
    await expect(discoverLoadAddresses(flags(remote))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: `refusing to load-test 3 member(s) off this machine (e.g. 10.255.0.3:7200) of cluster ${JSON.stringify(remote)}: the load test floods what it targets; name the cluster to confirm: --target-cluster ${remote}`,
    });
    await expect(discoverLoadAddresses(flags(remote, { targetCluster: 'florin-prod' }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: `--target-cluster "florin-prod" does not match the cluster discovery found (${JSON.stringify(remote)}); nothing was sent`,
    });
    // Named: accepted, marked as that cluster's (so the loopback check is waived), and still nothing was contacted.
    expect(await discoverLoadAddresses(flags(remote, { targetCluster: remote }))).toEqual({
      heads: ['head-0000=10.255.0.3:7200'],
      shards: ['10.255.0.1:7100', '10.255.0.2:7100'],
      cluster: remote,
    });
    const cli = await runCli(['loadtest', '--discovery', 'local', '--registry-dir', remote, '--universe', 'AAA', '--requests', '1']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`refusing to load-test 3 member(s) off this machine (e.g. 10.255.0.3:7200)`);
    const stray = await runCli(['loadtest', '--target-cluster', 'x', '--heads', '127.0.0.1:1', '--universe', 'AAA', '--requests', '1']);
    expect(stray.code).toBe(1);
    expect(stray.stderr).toContain('--target-cluster goes with --discovery');
  });
});
