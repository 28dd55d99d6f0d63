import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShardRouter, type ShardMembership } from '@florin/shard-client';
import { DAY_MS, startShardCluster, syntheticFrame, type ShardCluster } from '@florin/test-support';

const DATASET = { name: 'daily', fields: ['close'], frequency: '1d' };
const START = Date.UTC(2024, 0, 1);

/** A live membership of one partition whose task list the test sets. */
class SettableMembership implements ShardMembership {
  readonly shardCount = 1;
  readonly description = 'the test membership';
  readonly live = true;
  private readonly listeners = new Set<() => void>();
  constructor(private addresses: string[]) {}
  addressesOf(): readonly string[] {
    return this.addresses;
  }
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(addresses: string[]): void {
    this.addresses = addresses;
    for (const l of this.listeners) l();
  }
}

describe('ShardRouter over a live membership', () => {
  let cluster: ShardCluster;
  // Accepts connections and never answers: a task that hangs until the router gives up on it.
  let silent: Server;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    cluster = await startShardCluster(1);
    await cluster.router.createDataset(DATASET);
    await cluster.router.write(DATASET.name, DATASET.fields, [syntheticFrame('AAA', DATASET.fields, 10, START, DAY_MS, 1)]);
    silent = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent?.close(resolve));
    await cluster?.close();
  });

  it("a call whose tasks leave the partition while it is on its way goes to the partition's new task", async () => {
    const hanging = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    // Never dialled: its client is closed by the membership change before the call reaches it.
    const leaving = '127.0.0.1:1';
    const membership = new SettableMembership([hanging, leaving]);
    const router = new ShardRouter(membership);
    try {
      const read = router.read({ dataset: DATASET.name, symbols: ['AAA'], range: { start: START, end: START + 10 * DAY_MS } }, { deadlineMs: 10_000 });
      const write = router.write(DATASET.name, DATASET.fields, [syntheticFrame('BBB', DATASET.fields, 5, START, DAY_MS, 2)], { deadlineMs: 10_000 });
      await new Promise((r) => setTimeout(r, 200));
      membership.set([cluster.addresses[0]!]);
      const [frames, rows] = await Promise.all([read, write]);
      expect(frames[0]!.timestamps.length).toBe(10);
      expect(rows).toBe(5);
    } finally {
      router.close();
    }
  });
});
