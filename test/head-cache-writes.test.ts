import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadClient } from '@florin/client';
import { ProcessGroup, type RoleProcess } from '@florin/test-support';

/**
 * `florin head` caches what is written through it when the shard says the chunks then hold exactly the
 * written rows, and `--no-cache-writes` turns that off: two head processes over one `florin shard`.
 */
const group = new ProcessGroup();
let dir: string;
let shard: RoleProcess;
let heads: { caching: RoleProcess; plain: RoleProcess };
const START = Date.UTC(2024, 0, 2);
const DAY = 86_400_000;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'florin-cache-writes-'));
  shard = await group.start('shard', ['shard', '--data', join(dir, 'shard-0.duckdb'), '--shard-id', '0', '--shard-count', '1', '--plaintext']);
  const [caching, plain] = await Promise.all([
    group.start('head-caching', ['head', '--shards', shard.address, '--node-id', 'head-a', '--plaintext']),
    group.start('head-plain', ['head', '--shards', shard.address, '--node-id', 'head-b', '--plaintext', '--no-cache-writes']),
  ]);
  heads = { caching, plain };
}, 60_000);

afterAll(async () => {
  await group.killAll();
  await rm(dir, { recursive: true, force: true });
});

describe('florin head --no-cache-writes', () => {
  it('a head caches its writes into new datasets unless told not to; reads are the same either way', async () => {
    const range = { start: START, end: START + 30 * DAY };
    for (const [name, head] of Object.entries(heads)) {
      const client = new HeadClient(head.address);
      try {
        const dataset = `results_${name}`;
        await client.createDataset({ name: dataset, fields: ['x'], frequency: '1d' });
        const timestamps = Float64Array.from({ length: 20 }, (_, i) => START + i * DAY);
        expect(await client.write(dataset, ['x'], [{ symbol: 'AAA', fields: ['x'], timestamps, columns: [timestamps.map((t) => t / DAY)] }])).toBe(20);
        const before = await client.stats();
        const [got] = await client.read({ dataset, symbols: ['AAA'], fields: ['x'], range });
        expect(Array.from(got!.columns[0]!)).toEqual(Array.from(timestamps, (t) => t / DAY));
        const after = await client.stats();
        expect([before.writesCached, after.upstreamRequests - before.upstreamRequests]).toEqual(name === 'caching' ? [1, 0] : [0, 1]);
      } finally {
        client.close();
      }
    }
  });
});
